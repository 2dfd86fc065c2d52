import { createLogger, type Logger } from '@sluice/core';
import type { ConfigResult } from '@sluice/core/config';
import type { ShipperConfig } from './schema.js';

/*
 * The schema (schema.ts) and the core config reader load zod, about 100 ms of CPU: they are
 * imported here on first use, so that `sluice ship --file ... --to ...`, which reads no config
 * file, never loads them (a tenth of a short run's CPU). Hence these functions are async.
 */

/**
 * Checks a parsed config document; every message names the key, the value and what is valid.
 * Keys written in the old camelCase spelling are read, each with a warning on `logger`.
 */
export async function validateShipperConfig(doc: unknown, logger?: Logger): Promise<ShipperConfig> {
  const [{ validateConfig }, { shipperConfigSchema }] = await Promise.all([
    import('@sluice/core/config'),
    import('./schema.js'),
  ]);
  return warnDeprecations(validateConfig(shipperConfigSchema, doc), logger);
}

/**
 * Reads and validates a YAML (or JSON) shipper config. Messages start with `file:line:column:`
 * (or name the map a required key is missing from); `${VAR}` takes values from the environment.
 */
export async function loadShipperConfig(path: string, logger?: Logger): Promise<ShipperConfig> {
  const [{ readConfigFile }, { shipperConfigSchema }] = await Promise.all([
    import('@sluice/core/config'),
    import('./schema.js'),
  ]);
  return warnDeprecations(await readConfigFile(path, shipperConfigSchema), logger);
}

/** The published JSON Schema of the shipper YAML (`sluice schema shipper`). */
export async function shipperJsonSchema(): Promise<Record<string, unknown>> {
  return (await import('./schema.js')).shipperJsonSchema();
}

function warnDeprecations(result: ConfigResult<ShipperConfig>, logger: Logger | undefined): ShipperConfig {
  if (result.deprecations.length > 0) {
    const log = logger ?? createLogger();
    for (const d of result.deprecations) log.warn(d.message);
  }
  return result.value;
}
