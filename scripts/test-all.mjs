// The whole test suite from a fresh clone: install, build, start the local stack
// (unless explicit URLs point elsewhere), run vitest, and print `N passed, N failed`
// as the last line (the cold-start check counts as one test). Stops the stack it started,
// even when tests fail.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { build, ensureInstalled, root, run, sluice } from './pnpm.mjs';

const reports = [`${root}.cache/vitest-main.json`, `${root}.cache/vitest-faults.json`];
let code = 1;
let started = false;
// The cold-start check (scripts/cold-start.mjs): undefined when it did not run.
let coldStart;
try {
  await ensureInstalled();
  await build();
  // Vitest only strips types: the integration tests are type-checked here, and a type error
  // fails the run like a failing test.
  const typecheck = await run(process.execPath, [
    `${root}node_modules/typescript/bin/tsc`,
    '-p',
    `${root}test`,
  ]);
  if (typecheck !== 0) process.stderr.write('test-all: the tests do not type-check; see the errors above\n');
  const up = await sluice(['stack', 'up']);
  if (up !== 0) throw new Error(`the local stack did not start (exit ${up}); see the messages above`);
  started = true;
  mkdirSync(`${root}.cache`, { recursive: true });
  // promtool checks of deploy/prometheus (installs Debian's promtool when it can); the
  // vitest suite in test/deploy runs the same rule tests and skips them without promtool.
  if ((await run('bash', [`${root}deploy/check.sh`])) !== 0)
    process.stderr.write('test-all: deploy/check.sh failed; the promtool tests will say why\n');
  for (const report of reports) rmSync(report, { force: true });
  // First everything that can share the services, then the fault tests, which stop or starve them, alone.
  const vitest = (project, report, extra = []) =>
    run(process.execPath, [
      `${root}node_modules/vitest/vitest.mjs`,
      'run',
      '--project',
      project,
      '--passWithNoTests',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
      ...extra,
      ...process.argv.slice(2),
    ]);
  const mainCode = await vitest('main', reports[0]);
  const faultsCode = await vitest('faults', reports[1], ['--no-file-parallelism']);
  code = mainCode || faultsCode || typecheck;
  // Last and alone: a brand-new machine's first command (empty HOME, cache and stack dirs, a
  // second stack on other ports, Maven downloads included). The shared stack is stopped first
  // so two Elasticsearch heaps never compete on a small CI machine. Skipped when test files
  // are named (a partial run) or with SLUICE_COLD_START=0.
  if (process.env.SLUICE_COLD_START !== '0' && process.argv.length <= 2) {
    if (started && process.env.SLUICE_KEEP_STACK !== '1') {
      await sluice(['stack', 'down']);
      started = false;
    }
    coldStart = await run(process.execPath, [`${root}scripts/cold-start.mjs`]);
  }
} catch (error) {
  process.stderr.write(`test-all: ${error instanceof Error ? error.message : String(error)}\n`);
} finally {
  if (started && process.env.SLUICE_KEEP_STACK !== '1') await sluice(['stack', 'down']);
}
let passed = 0;
let failed = 0;
for (const report of reports) {
  if (!existsSync(report)) continue;
  const result = JSON.parse(readFileSync(report, 'utf8'));
  passed += result.numPassedTests ?? 0;
  // A file that fails to load has no failed test in it, but it failed all the same.
  failed += result.numFailedTests || result.numFailedTestSuites || 0;
}
if (coldStart !== undefined) {
  if (coldStart === 0) passed += 1;
  else failed += 1;
}
if (code !== 0 && failed === 0) failed = 1; // a crash before or around the tests still counts as a failure
console.log(`${passed} passed, ${failed} failed`);
process.exit(code === 0 && failed === 0 ? 0 : 1);
