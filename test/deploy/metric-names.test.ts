import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOP_ROWS } from '@sluice/cli';
import { describe, expect, it } from 'vitest';
import { KNOWN_METRICS } from './support.js';

const packagesDir = fileURLToPath(new URL('../../packages/', import.meta.url));
const pipelinesDir = fileURLToPath(new URL('../../deploy/pipelines/', import.meta.url));

/** Metric names declared in package sources (`name: 'sluice_…'`), tests excluded. */
function declaredMetrics(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (entry === 'node_modules' || entry === 'dist') continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.test.ts')) {
        for (const m of readFileSync(path, 'utf8').matchAll(/name:\s*['"](sluice_[a-z0-9_]+)['"]/g))
          if (m[1]) names.add(m[1]);
      }
    }
  };
  walk(packagesDir);
  // Logs to metrics: declared in the pipeline files shipped in deploy/pipelines (`name: sluice_logs_…`).
  for (const entry of readdirSync(pipelinesDir)) {
    if (!/\.ya?ml$/.test(entry)) continue;
    for (const m of readFileSync(join(pipelinesDir, entry), 'utf8').matchAll(
      /name:\s*['"]?(sluice_logs_[a-z0-9_]+)/g,
    ))
      if (m[1]) names.add(m[1]);
  }
  return names;
}

/** Not declared in source by design: prom-client's defaults, Prometheus' own. */
const NOT_IN_SOURCE = (name: string) =>
  name.startsWith('sluice_process_') || name.startsWith('sluice_nodejs_') || name === 'up';

/**
 * Named in the dashboards and `sluice top` but not exported yet. When one lands, this test
 * fails until it is removed from the list, so the list cannot go stale.
 */
const NOT_YET_EXPORTED: string[] = [];

describe('metric names used in deploy/ and sluice top', () => {
  const declared = declaredMetrics();
  const base = (name: string) => name.replace(/_(bucket|sum|count)$/, '');
  const used = [...new Set([...KNOWN_METRICS].map((n) => (declared.has(n) ? n : base(n))))].filter(
    (n) => !NOT_IN_SOURCE(n),
  );

  it('are declared by the packages that export them (a rename there must show up here)', () => {
    const missing = used.filter((n) => !declared.has(n) && !NOT_YET_EXPORTED.includes(n));
    expect(missing).toEqual([]);
  });

  it('the not-yet-exported list is still true', () => {
    expect(
      NOT_YET_EXPORTED.filter((n) => declared.has(n)),
      'exported now: remove it from NOT_YET_EXPORTED in test/deploy/metric-names.test.ts',
    ).toEqual([]);
  });

  it('sluice top reads only known metrics', () => {
    const read = TOP_ROWS.flatMap((r) => r.series.map((s) => s.name));
    expect(read.filter((n) => !KNOWN_METRICS.has(n))).toEqual([]);
  });
});
