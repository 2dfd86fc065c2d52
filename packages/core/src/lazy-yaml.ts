import { createRequire } from 'node:module';

type YamlModule = typeof import('yaml');
let yamlModule: YamlModule | undefined;

/**
 * The yaml package, loaded on first use. Everything that imports @sluice/core would load it
 * otherwise (the config reader is part of the package), parser worker threads included,
 * which never read a config file: about 120 ms of CPU per thread at start-up.
 */
export function yaml(): YamlModule {
  yamlModule ??= createRequire(import.meta.url)('yaml') as YamlModule;
  return yamlModule;
}
