// The README's first command as a brand-new machine meets it: no ~/.m2, no cache, no stack
// directory. Starts a second stack on other ports (the shared one on 9092/9200 is never
// touched), runs the demo (ship -> consume -> count) against it, stops it and proves that no
// process of it is left. Exit 0 only when all of that held. test-all runs it after the other
// tests; by hand: `node scripts/cold-start.mjs` (several minutes: Kafka and Elasticsearch
// are fetched from Maven Central into an empty repository).
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, run, sluice } from './pnpm.mjs';

const PORTS = {
  SLUICE_KAFKA_PORT: process.env.SLUICE_COLD_KAFKA_PORT || '19092',
  SLUICE_KAFKA_CONTROLLER_PORT: process.env.SLUICE_COLD_KAFKA_CONTROLLER_PORT || '19093',
  SLUICE_ELASTICSEARCH_PORT: process.env.SLUICE_COLD_ELASTICSEARCH_PORT || '19200',
  SLUICE_DEMO_METRICS: `127.0.0.1:${process.env.SLUICE_COLD_METRICS_PORT || '19464'}`,
};

const base = mkdtempSync(join(tmpdir(), 'sluice-cold-'));
// As root, Elasticsearch runs as an unprivileged user, which must be able to reach its files.
chmodSync(base, 0o755);
// None of these exist yet, exactly as on a new machine.
const env = {
  ...process.env,
  ...PORTS,
  HOME: join(base, 'home'),
  SLUICE_CACHE_DIR: join(base, 'cache'),
  SLUICE_STACK_DIR: join(base, 'stack'),
};
// Addresses from the environment would make `stack up` use those services instead of starting its own.
for (const variable of ['KAFKA_BROKERS', 'ELASTICSEARCH_URL', 'XDG_CACHE_HOME', 'XDG_STATE_HOME']) {
  delete env[variable];
}

/** Processes that belong to this stack: anything naming the scratch directory. */
function survivors() {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (cmdline.includes(base) || environ.includes(`SLUICE_STACK_RUN=${env.SLUICE_STACK_DIR}`)) {
        found.push(`${entry} ${cmdline.split('\0')[0]}`);
      }
    } catch {
      // exited while we looked
    }
  }
  return found;
}

const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(0);
let failure;
try {
  process.stdout.write(
    `cold start: HOME, cache and stack dir under ${base}; ports ${JSON.stringify(PORTS)}\n`,
  );
  const demo = await run(process.execPath, [`${root}scripts/demo.mjs`], { env });
  if (demo !== 0) failure = `the demo failed (exit ${demo}) on a fresh machine`;
} finally {
  const down = await sluice(['stack', 'down'], { env });
  if (down !== 0) failure ??= `stack down failed (exit ${down})`;
  const left = survivors();
  if (left.length > 0) {
    failure ??= `processes of the cold stack survived stack down: ${left.join('; ')}`;
    for (const line of left) {
      try {
        process.kill(Number(line.split(' ')[0]), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  if (!failure) rmSync(base, { recursive: true, force: true });
}
if (failure) {
  process.stderr.write(`cold start: FAILED after ${seconds()}s: ${failure} (files kept in ${base})\n`);
  process.exit(1);
}
process.stdout.write(
  `cold start: passed in ${seconds()}s (demo from nothing, stack down, no process left)\n`,
);
