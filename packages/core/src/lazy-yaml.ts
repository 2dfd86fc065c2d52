import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');
const requireCjs = createRequire(import.meta.url);
let loaded: Yaml | undefined;

/**
 * The yaml package, loaded the first time a config file is read rather than with
 * @sluice/core: most runs of `sluice ship` read no file (about seventy modules saved). Its
 * CommonJS build loads synchronously, so the readers stay synchronous.
 */
export function yaml(): Yaml {
  loaded ??= requireCjs('yaml') as Yaml;
  return loaded;
}
