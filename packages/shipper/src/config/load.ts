import { createLogger, type Logger } from '@sluice/core';
import { type ConfigResult, readConfigFile, validateConfig } from '@sluice/core/config';
import { type ShipperConfig, shipperConfigSchema } from './schema.js';

/**
 * Checks a parsed config document; every message names the key, the value and what is valid.
 * Keys written in the old camelCase spelling are read, each with a warning on `logger`.
 */
export function validateShipperConfig(doc: unknown, logger?: Logger): ShipperConfig {
  return warnDeprecations(validateConfig(shipperConfigSchema, doc), logger);
}

/**
 * Reads and validates a YAML (or JSON) shipper config. Messages start with `file:line:column:`
 * (or name the map a required key is missing from); `${VAR}` takes values from the environment.
 */
export async function loadShipperConfig(path: string, logger?: Logger): Promise<ShipperConfig> {
  return warnDeprecations(await readConfigFile(path, shipperConfigSchema), logger);
}

function warnDeprecations(result: ConfigResult<ShipperConfig>, logger: Logger | undefined): ShipperConfig {
  if (result.deprecations.length > 0) {
    const log = logger ?? createLogger();
    for (const d of result.deprecations) log.warn(d.message);
  }
  return result.value;
}
