import { ConfigError } from '@sluice/core';

/** A commander parser for an integer option within a range, failing with the option's name. */
export function intOption(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
    }
    return n;
  };
}

/** Seconds as a number, or with a unit: `5`, `500ms`, `30s`, `2m`. */
export function secondsOption(name: string): (value: string) => number {
  return (value) => {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
    if (!m) throw new ConfigError(`${name} must be a duration like 5, 30s, 500ms or 2m, got "${value}"`);
    const n = Number(m[1]);
    return m[2] === 'ms' ? n / 1_000 : m[2] === 'm' ? n * 60 : n;
  };
}
