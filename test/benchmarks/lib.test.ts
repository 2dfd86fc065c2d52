import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

// The benchmark scripts' helpers (native tools' output parsers, the results tables, where a
// table is written) have node:test unit tests of their own, beside them in benchmarks/lib/.
// They ran only by hand, and one went stale for a day after a column was added: run them here.
const lib = fileURLToPath(new URL('../../benchmarks/lib/', import.meta.url));

test('benchmarks/lib unit tests pass (node --test benchmarks/lib/)', () => {
  const run = spawnSync(process.execPath, ['--test', lib], { encoding: 'utf8', timeout: 60_000 });
  const report = `${run.stdout}\n${run.stderr}`;
  expect(report).toMatch(/^# pass [1-9]/m);
  expect(report, report).toMatch(/^# fail 0$/m);
  expect(run.status, report).toBe(0);
});
