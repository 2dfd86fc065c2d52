import { ConfigError, durationMs, readInteger } from '@sluice/core';
import { Option } from 'commander';

/** A commander parser for an integer option within a range, failing with the option's name. */
export function intOption(name: string, min: number, max: number): (value: string) => number {
  return (value) => readInteger(name, value, { min, max, quote: true });
}

/** Seconds as a number, or with a unit: `5`, `500ms`, `30s`, `2m`. */
export function secondsOption(name: string): (value: string) => number {
  return (value) => {
    // The one duration parser of @sluice/core; a bare number is seconds on the command line.
    const ms = durationMs(value, 's');
    if (ms === undefined)
      throw new ConfigError(`${name} must be a duration like 5, 30s, 500ms or 2m, got "${value}"`);
    return ms / 1_000;
  };
}

/**
 * Where data comes from, goes to and is indexed, also read from the environment so that a
 * URL (which may hold a password) need not be a process argument, visible in `ps` and in
 * manifests: SLUICE_FROM, SLUICE_TO, SLUICE_ES. The command line wins over the variable.
 */
export const LOCATION_VARIABLES = { from: 'SLUICE_FROM', to: 'SLUICE_TO', es: 'SLUICE_ES' } as const;

/** `--from URL` (required), or SLUICE_FROM. */
export function fromOption(description: string): Option {
  return new Option('--from <url>', description).env(LOCATION_VARIABLES.from).makeOptionMandatory();
}

/** `--to URL`, or SLUICE_TO. */
export function toOption(description: string): Option {
  return new Option('--to <url>', description).env(LOCATION_VARIABLES.to);
}

/** `--es URL`, or SLUICE_ES; without either, `fallback` when given. */
export function esOption(description: string, fallback?: string): Option {
  const option = new Option('--es <url>', description).env(LOCATION_VARIABLES.es);
  return fallback === undefined ? option : option.default(fallback);
}
