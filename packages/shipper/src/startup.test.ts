import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/** Modules a file loads when it is imported: static value imports and re-exports, not `import type`. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms))
    found.push(m[1] as string);
  for (const m of text.matchAll(/^import\s+'([^']+)'/gm)) found.push(m[1] as string);
  return found;
}

/** Every module of this package that importing `entry` loads, with the packages each imports. */
function loadedFrom(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const specifiers = staticImports(file);
    seen.set(file, specifiers);
    for (const s of specifiers) if (s.startsWith('.')) visit(join(dirname(file), s.replace(/\.js$/, '.ts')));
  };
  visit(entry);
  return seen;
}

describe('start-up of @sluice/shipper', () => {
  // zod and its locales are about 100 modules and 0.15 s of CPU: `sluice ship --file F --to URL`
  // reads no config file, so nothing on its path may import the config schemas (config/load.ts
  // imports them on first use).
  it('loads neither zod nor the config schemas when imported', () => {
    const offenders = [...loadedFrom(join(here, 'index.ts'))]
      .filter(([, specifiers]) =>
        specifiers.some((s) => s === 'zod' || s === '@sluice/core/config' || /schema\.js$/.test(s)),
      )
      .map(([file]) => file.slice(here.length + 1));
    expect(offenders).toEqual([]);
  });

  it('sees a static import of the schemas (the check above can fail)', () => {
    const graph = loadedFrom(join(here, 'config', 'schema.ts'));
    expect(graph.get(join(here, 'config', 'schema.ts'))).toContain('@sluice/core/config');
  });
});
