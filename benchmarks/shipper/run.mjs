// Shipper benchmark: file -> broker throughput for each backend, next to the raw read speed of
// the same file, the shipper's own reading path without a broker, and the broker's native load
// tool (benchmarks/lib/native.mjs, the same runner as bench:brokers) publishing as many records
// of the file's mean line length right after each `sluice ship`, all in one run.
// Also records peak and sampled RSS of the shipper process, which is the flat-RSS proof for big
// files (CI only runs a 50 MiB version: test/shipper/memory.test.ts).
// Usage: pnpm bench:shipper [--mib 64] [--backends redis,rabbitmq,kafka] [--batch-size 2048]
//          [--max-in-flight 1] [--native-records 300000 (0: skip the native tools)]
//        pnpm bench:shipper --mib 1024 --backends kafka     # the 1 GiB flat-RSS run
// Writes benchmarks/results/<date>-shipper[-N].{md,json} (-N: the first name not taken). Needs the brokers running (pnpm stack up).
import { spawn } from 'node:child_process';
import {
  closeSync,
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
import { parseArgs } from 'node:util';
import { cleanUp, createTopics } from '../lib/broker-only.mjs';
import { checkBackends, brokerUrl as url } from '../lib/endpoints.mjs';
import { nativePublish, prepareNativeTools } from '../lib/native.mjs';
import { watchProcess } from '../lib/proc.mjs';
import { freshResultBase } from '../lib/results.mjs';

const root = new URL('../../', import.meta.url).pathname;
const cli = `${root}packages/cli/dist/main.js`;
const { createLogger } = await import('@sluice/core');
const { FileInput, Shipper } = await import('@sluice/shipper');
const { generateLines } = await import('@sluice/testkit');

const { values: args } = parseArgs({
  options: {
    mib: { type: 'string', default: '64' },
    backends: { type: 'string', default: 'redis,rabbitmq,kafka' },
    'batch-size': { type: 'string', default: '2048' },
    'max-in-flight': { type: 'string', default: '1' },
    'native-records': { type: 'string', default: '300000' },
  },
});
const targetBytes = Number(args.mib) * 1024 * 1024;
const backends = checkBackends(args.backends.split(',').filter(Boolean));
const nativeCap = Number(args['native-records']);
const MiB = 1024 * 1024;

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

// 4. file -> broker with the real CLI, one process per backend, each followed by the broker's
// native load tool publishing records of the file's mean line length (the same runner and
// settings as bench:brokers), so the ratio compares runs made a few seconds apart.
const meanLine = Math.round(size / lineCount) - 1; // without the newline
const nativeRecords = Math.min(lineCount, nativeCap);
let tools = {};
if (nativeRecords > 0) {
  const { KAFKA_VERSION } = await import('@sluice/cli');
  tools = await prepareNativeTools(backends, { kafkaVersion: KAFKA_VERSION });
}
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
  const samples = [];
  const watch = watchProcess(child.pid, {
    intervalMs: 100,
    onSample: (s) => samples.push({ progress: registryOffset(registry) / size, rss: s.rss }),
  });
  const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c)));
  const last = watch.stop();
  const seconds = (performance.now() - t) / 1_000;
  await cleanUp(backend, [stream]);
  if (code !== 0) {
    console.error(`${backend}: sluice ship exited ${code}\n${stderr}`);
    rows.push({ what: `sluice ship -> ${backend}`, failed: `exit ${code}: ${stderr.split('\n')[0]}` });
    continue;
  }
  const at = (p) => samples.find((s) => s.progress >= p)?.rss;
  const shipped = {
    what: `sluice ship -> ${backend}`,
    backend,
    seconds,
    lines: lineCount,
    cpu: last.cpu,
    peakRss: last.peakRss || undefined,
    rss10: at(0.1),
    rss50: at(0.5),
    rss90: at(0.9),
  };
  rows.push(shipped);
  if (nativeRecords === 0) continue;
  const nstream = `bench-shipper-native-${Date.now().toString(36)}`;
  try {
    if (backend === 'kafka') await createTopics([nstream]);
    const n = await nativePublish(tools, backend, {
      stream: nstream,
      records: nativeRecords,
      size: meanLine,
    });
    rows.push({
      what: `native: ${tools[backend].version.split(' (')[0]} -> ${backend} (${nativeRecords.toLocaleString('en')} × ${meanLine} B)`,
      backend,
      native: true,
      seconds: n.records / n.rate,
      lines: n.records,
      bytes: n.records * (meanLine + 1),
      cpu: n.cpuSeconds,
      peakRss: n.peakRssMiB * MiB,
      settings: n.settings,
    });
    shipped.vsNative = lineCount / seconds / n.rate;
  } catch (error) {
    rows.push({ what: `native -> ${backend}`, failed: error.message.split('\n')[0] });
  } finally {
    await cleanUp(backend, [nstream]);
  }
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
  '| path | MiB/s | lines/s | seconds | CPU s | peak RSS MiB | RSS at 10% / 50% / 90% MiB | Sluice / native |\n|---|---:|---:|---:|---:|---:|---|---:|\n';
for (const r of rows) {
  if (r.failed) {
    md += `| ${r.what} | failed: ${r.failed} | | | | | | |\n`;
    continue;
  }
  md += `| ${r.what} | ${((r.bytes ?? size) / MiB / r.seconds).toFixed(1)} | ${Math.round(r.lines / r.seconds).toLocaleString('en')} | ${r.seconds.toFixed(1)} | ${r.cpu?.toFixed(1) ?? ''} | ${mib(r.peakRss)} | ${r.rss10 ? `${mib(r.rss10)} / ${mib(r.rss50)} / ${mib(r.rss90)}` : ''} | ${r.vsNative === undefined ? '' : `**${r.vsNative.toFixed(2)}**`} |\n`;
}
md +=
  '\nMiB/s are of the file (native rows: of their own records, newline counted, so they compare with the file). "RSS at x%" is the shipper process RSS when the registry says x% of the file is confirmed: flat numbers mean memory does not grow with the file. "Sluice / native" is lines/s of `sluice ship` (wall time of the CLI process, start-up included: use a file of tens of MiB) over records/s of the native tool run right after it on the same broker (its own timing, JVM start-up excluded); native CPU includes JVM start-up for the Java tools.\n';
const nativeRows = rows.filter((r) => r.native);
if (nativeRows.length > 0) {
  md += `\nNative tool settings (${Object.values(tools)
    .map((t) => t.version)
    .join(', ')}):\n\n`;
  for (const r of nativeRows) md += `- ${r.backend}: ${r.settings}\n`;
}
const out = freshResultBase('shipper', ['.md', '.json'], date);
writeFileSync(`${out}.md`, md);
writeFileSync(
  `${out}.json`,
  `${JSON.stringify({ date, size, lines: lineCount, load: os.loadavg(), rows }, null, 2)}\n`,
);
console.log(md);
console.log(`wrote ${out}.md`);
