import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@sluice/core';
import { parsePatternDefinitions } from './compiler.js';

/**
 * Loads every file of a Logstash-style patterns directory (`NAME regex` per line). Files
 * are read in name order so a later file overrides an earlier one predictably.
 */
export function loadPatternsDir(dir: string, where = ''): Record<string, string> {
  const prefix = where ? `${where}: ` : '';
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) {
      return parsePatternDefinitions(readFileSync(dir, 'utf8'), dir);
    }
    names = readdirSync(dir).sort();
  } catch (error) {
    throw new ConfigError(`${prefix}cannot read patterns directory "${dir}": ${(error as Error).message}`, {
      hint: 'give a directory of patterns files (one "NAME regex" per line)',
      cause: error,
    });
  }
  const definitions: Record<string, string> = {};
  for (const name of names) {
    const path = join(dir, name);
    if (name.startsWith('.') || !statSync(path).isFile()) continue;
    Object.assign(definitions, parsePatternDefinitions(readFileSync(path, 'utf8'), path));
  }
  return definitions;
}

export function loadPatternsDirs(dirs: readonly string[], where = ''): Record<string, string> {
  const definitions: Record<string, string> = {};
  for (const dir of dirs) Object.assign(definitions, loadPatternsDir(dir, where));
  return definitions;
}
