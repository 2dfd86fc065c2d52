// Shipper benchmark: file -> broker throughput for each backend, next to the raw read speed of
// the same file and the shipper's own reading path without a broker, all in one run.
// Also records peak and sampled RSS of the shipper process, which is the flat-RSS proof for big
// files (CI only runs a 50 MiB version: test/shipper/memory.test.ts).
// Usage: pnpm bench:shipper [--mib 64] [--backends redis,rabbitmq,kafka]
//        pnpm bench:shipper --mib 1024 --backends kafka     # the 1 GiB flat-RSS run
// Writes benchmarks/results/<date>-shipper.{md,json}. Needs the brokers running (pnpm stack up).
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const root = new URL('../../', import.meta.url).pathname;
const cli = `${root}packages/cli/dist/main.js`;
const { generateLines, createLogger } = await import(`${root}packages/core/dist/index.js`);
const { FileInput, Shipper } = await import(`${root}packages/shipper/dist/index.js`);

const { values: args } = parseArgs({
  options: {
    mib: { type: 'string', default: '64' },
    backends: { type: 'string', default: 'redis,rabbitmq,kafka' },
    'batch-size': { type: 'string', default: '1000' },
    'max-in-flight': { type: 'string', default: '1' },
  },
});
const targetBytes = Number(args.mib) * 1024 * 1024;
const backends = args.backends.split(',').filter(Boolean);
const kafka = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const redis = (process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').replace(/\/\d*$/, '');
const amqp = (process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672').replace(/\/$/, '');
const url = (backend, stream) =>
  backend === 'kafka'
    ? `kafka://${kafka}/${stream}`
    : backend === 'redis'
      ? `${redis}/${stream}`
      : `${amqp}/${stream}`;
const MiB = 1024 * 1024;
const CLK_TCK = 100;

function procStats(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpu = (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    return { cpu, rss, peakRss: hwm };
  } catch {
    return undefined;
  }
}

function registryOffset(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8')).files.reduce((m, f) => Math.max(m, f.offset), 0);
  } catch {
    return 0;
  }
}

// 1. The file: realistic access-log lines from the seeded generator.
const dir = mkdtempSync(join(os.tmpdir(), 'sluice-bench-shipper-'));
const file = join(dir, 'access.log');
{
  const fd = openSync(file, 'w');
  let written = 0;
  let seed = 1;
  while (written < targetBytes) {
    const chunk = `${[...generateLines(20_000, { format: 'combined', seed: seed++ })].join('\n')}\n`;
    writeSync(fd, chunk);
    written += Buffer.byteLength(chunk);
  }
  closeSync(fd);
}
const size = statSync(file).size;
const lineCount = (() => {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(64 * 1024);
  let n = 0;
  for (;;) {
    const got = readSync(fd, buf, 0, buf.length, null);
    if (got === 0) break;
    for (let i = buf.indexOf(10, 0); i !== -1 && i < got; i = buf.indexOf(10, i + 1)) n++;
  }
  closeSync(fd);
  return n;
})();
console.log(`file: ${(size / MiB).toFixed(0)} MiB, ${lineCount.toLocaleString('en')} lines`);

const rows = [];

// 2. Raw read speed: 64 KiB reads and newline counting, what any reader must at least do.
{
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(64 * 1024);
  let n = 0;
  for (;;) {
    const got = readSync(fd, buf, 0, buf.length, null);
    if (got === 0) break;
    for (let i = buf.indexOf(10, 0); i !== -1 && i < got; i = buf.indexOf(10, i + 1)) n++;
  }
  closeSync(fd);
  const s = (performance.now() - t) / 1_000;
  const cpu = process.cpuUsage(cpu0);
  rows.push({
    what: 'raw read (64 KiB reads, count newlines)',
    seconds: s,
    lines: n,
    cpu: (cpu.user + cpu.system) / 1e6,
  });
}

// 3. The shipper's reading path in this process, into a producer that only serialises.
{
  const log = createLogger({ level: 'silent' });
  let n = 0;
  const producer = {
    async publish(records) {
      for (const r of records) JSON.stringify(r);
      n += records.length;
    },
    async close() {},
  };
  const shipper = new Shipper({
    producer,
    inputs: [new FileInput({ paths: [file], follow: false, shipperId: 'bench' }, undefined, log)],
    logger: log,
    batch: { maxEvents: Number(args['batch-size']) },
  });
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  await shipper.run(new AbortController().signal);
  const cpu = process.cpuUsage(cpu0);
  rows.push({
    what: 'shipper in-process, no broker (read, split, ids, records, JSON)',
    seconds: (performance.now() - t) / 1_000,
    lines: n,
    cpu: (cpu.user + cpu.system) / 1e6,
  });
}

// 4. file -> broker with the real CLI, one process per backend.
for (const backend of backends) {
  const stream = `bench-shipper-${Date.now().toString(36)}`;
  const registry = join(dir, `registry-${backend}.json`);
  const t = performance.now();
  const child = spawn(
    process.execPath,
    [
      cli,
      'ship',
      '--file',
      file,
      '--to',
      url(backend, stream),
      '--registry',
      registry,
      '--batch-size',
      args['batch-size'],
      '--max-in-flight',
      args['max-in-flight'],
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, SLUICE_LOG_LEVEL: 'warn' },
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exit = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  let done = false;
  void exit.then(() => (done = true));
  let last;
  const samples = [];
  while (!done) {
    const s = procStats(child.pid);
    if (s) {
      last = s;
      samples.push({ progress: registryOffset(registry) / size, rss: s.rss });
    }
    await sleep(100);
  }
  const code = await exit;
  const seconds = (performance.now() - t) / 1_000;
  if (code !== 0) {
    console.error(`${backend}: sluice ship exited ${code}\n${stderr}`);
    rows.push({ what: `sluice ship -> ${backend}`, failed: `exit ${code}: ${stderr.split('\n')[0]}` });
    continue;
  }
  const at = (p) => samples.find((s) => s.progress >= p)?.rss;
  rows.push({
    what: `sluice ship -> ${backend}`,
    seconds,
    lines: lineCount,
    cpu: last?.cpu,
    peakRss: last?.peakRss,
    rss10: at(0.1),
    rss50: at(0.5),
    rss90: at(0.9),
  });
  // Free what the broker holds for this run (Kafka keeps it on disk until retention).
  if (backend === 'redis') spawnSync('redis-cli', ['del', stream]);
  if (backend === 'rabbitmq') spawnSync('rabbitmqctl', ['delete_queue', stream, '-q']);
}
rmSync(dir, { recursive: true, force: true });

// 5. The table.
const mib = (bytes) => (bytes === undefined ? '' : (bytes / MiB).toFixed(0));
const date = new Date().toISOString().slice(0, 10);
const load = os
  .loadavg()
  .map((l) => l.toFixed(1))
  .join(' / ');
const cpuModel = os.cpus()[0]?.model ?? 'unknown CPU';
let md = `# Shipper benchmark, ${date}\n\n`;
md += `Machine: ${os.cpus().length} × ${cpuModel}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}. Load average at the end (1/5/15 min): ${load}.\n`;
md += `File: ${(size / MiB).toFixed(0)} MiB, ${lineCount.toLocaleString('en')} combined access-log lines; batches of ${args['batch-size']}; ${args['max-in-flight']} publish(es) in flight; registry written after every confirmed batch.\n\n`;
md +=
  '| path | MiB/s | lines/s | seconds | CPU s | peak RSS MiB | RSS at 10% / 50% / 90% MiB |\n|---|---:|---:|---:|---:|---:|---|\n';
for (const r of rows) {
  if (r.failed) {
    md += `| ${r.what} | failed: ${r.failed} | | | | | |\n`;
    continue;
  }
  md += `| ${r.what} | ${(size / MiB / r.seconds).toFixed(1)} | ${Math.round(r.lines / r.seconds).toLocaleString('en')} | ${r.seconds.toFixed(1)} | ${r.cpu?.toFixed(1) ?? ''} | ${mib(r.peakRss)} | ${r.rss10 ? `${mib(r.rss10)} / ${mib(r.rss50)} / ${mib(r.rss90)}` : ''} |\n`;
}
md +=
  '\nMiB/s are of the file. "RSS at x%" is the shipper process RSS when the registry says x% of the file is confirmed: flat numbers mean memory does not grow with the file.\n';
mkdirSync(`${root}benchmarks/results`, { recursive: true });
const out = `${root}benchmarks/results/${date}-shipper`;
writeFileSync(`${out}.md`, md);
writeFileSync(
  `${out}.json`,
  `${JSON.stringify({ date, size, lines: lineCount, load: os.loadavg(), rows }, null, 2)}\n`,
);
console.log(md);
console.log(`wrote ${out}.md`);
