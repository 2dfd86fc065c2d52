// Shared set-up of the CPU-per-line A/B scripts (benchmarks/shipper/cpu.mjs,
// benchmarks/consumer/cpu.mjs): their common flags checked, the CLIs under test (this
// checkout, and another one's with --baseline) and the generated log file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { checkBackends } from './endpoints.mjs';

const root = new URL('../../', import.meta.url).pathname;

/**
 * --lines, --rounds, --backends and --lines-per-message as numbers and a checked backend
 * list; a count that is not a positive integer stops the script with the flag's name.
 */
export function abWorkload(args) {
  const lines = Number(args.lines);
  const rounds = Number(args.rounds);
  const backends = checkBackends(args.backends.split(',').filter(Boolean));
  const perMessage = args['lines-per-message'].split(',').map(Number);
  for (const [k, v] of Object.entries({
    lines,
    rounds,
    ...Object.fromEntries(perMessage.map((n) => [n, n])),
  }))
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${k} must be a positive integer, got ${v}`);
  return { lines, rounds, backends, perMessage };
}

/** The built CLIs to compare: the baseline checkout's first (when given), then this one's. */
export function clisUnderTest(baseline) {
  return [
    ...(baseline ? [{ name: 'baseline', main: join(baseline, 'packages/cli/dist/main.js') }] : []),
    { name: 'this checkout', main: `${root}packages/cli/dist/main.js` },
  ];
}

/** A temporary directory holding `access.log`: `lines` generated Apache combined lines (seed 42). */
export async function generatedLog(prefix, lines) {
  const { generateLines } = await import('@sluice/testkit');
  const dir = mkdtempSync(join(os.tmpdir(), prefix));
  const file = join(dir, 'access.log');
  writeFileSync(file, `${[...generateLines(lines, { seed: 42 })].join('\n')}\n`);
  return { dir, file };
}
