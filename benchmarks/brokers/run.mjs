// The broker comparison, in two parts that run in the same invocation:
//  1. broker-only: Sluice's own producer and consumer adapters (no parsing, no Elasticsearch)
//     publishing and draining 200-byte lines, next to each broker's native load tool
//     (Kafka ProducerPerformance/ConsumerPerformance, redis-benchmark, RabbitMQ PerfTest),
//     alternating, with the ratio Sluice/native (benchmarks/lib/broker-only.mjs);
//  2. end to end: the same workload ship -> broker -> consume -> parse -> index through each
//     backend, then 1 versus 2 consumer processes.
// Usage: pnpm bench:brokers [--only native|e2e] [--backends kafka,redis,redis-stream,rabbitmq]
//          [--records N] [--rounds R] [--size BYTES] [--in-flight N]   (broker-only part)
//          [--lines N] [--consumers 1,2]                                (end-to-end part)
//          [--lines-per-message 1,100]  (both parts: one row per value; above 1 the URLs carry
//                                        ?linesPerMessage=N: frames on Kafka and Redis lists,
//                                        NDJSON batches on RabbitMQ; backends that always send
//                                        one line per message get the 1 row only; default 1,100)
//          [--help]
// Writes benchmarks/results/<date>-brokers[-N].{md,json,svg} (-N: the first name not taken), saying which parts ran.
// Needs the stack (pnpm stack up), Java 17 and mvn for the Kafka and RabbitMQ tools (fetched
// from Maven Central into ~/.m2 on first use), and redis-benchmark (redis-tools).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { brokerOnlyComparison, brokerOnlyMarkdown } from '../lib/broker-only.mjs';
import { BACKENDS, checkBackends, linesPerMessageKind, brokerUrl as url } from '../lib/endpoints.mjs';
import { prepareNativeTools } from '../lib/native.mjs';
import { procStats, watchProcess } from '../lib/proc.mjs';
import { freshResultBase } from '../lib/results.mjs';
import { helpFromHeaderComment } from '../lib/usage.mjs';

helpFromHeaderComment(import.meta.url);

const root = new URL('../../', import.meta.url).pathname;
const cli = `${root}packages/cli/dist/main.js`;
const { generateLines } = await import('@sluice/testkit');

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    lines: { type: 'string', default: '300000' },
    // Default: every registered backend.
    backends: { type: 'string' },
    consumers: { type: 'string', default: '1,2' },
    records: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
    size: { type: 'string', default: '200' },
    'in-flight': { type: 'string', default: '1' },
    'lines-per-message': { type: 'string', default: '1,100' },
    es: { type: 'string', default: process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200' },
  },
});
if (args.only !== undefined && !['native', 'e2e'].includes(args.only))
  throw new Error(
    `--only must be native (broker-only vs native tools) or e2e (end to end), got "${args.only}"`,
  );
const parts = { native: args.only !== 'e2e', e2e: args.only !== 'native' };
const lines = Number(args.lines);
const backends =
  args.backends === undefined ? BACKENDS : checkBackends(args.backends.split(',').filter(Boolean));
const consumerCounts = args.consumers.split(',').map(Number);
const es = args.es;
const brokerOnly = {
  records: Number(args.records),
  rounds: Number(args.rounds),
  size: Number(args.size),
  inFlight: Number(args['in-flight']),
};
const linesPerMessageList = args['lines-per-message'].split(',').filter(Boolean).map(Number);
for (const [k, v] of Object.entries({ lines, ...brokerOnly }))
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${k} must be a positive integer, got ${v}`);
for (const v of linesPerMessageList)
  if (!Number.isInteger(v) || v < 1)
    throw new Error(`--lines-per-message must be positive integers, got ${args['lines-per-message']}`);
const queryFor = (n) => (n > 1 ? `linesPerMessage=${n}` : '');
/** The values of --lines-per-message this backend gets a row for. */
const linesPerMessageOf = (backend) =>
  linesPerMessageList.filter((n) => n === 1 || linesPerMessageKind(backend) !== undefined);

/**
 * The process id of the Elasticsearch node, when it runs on this machine: its CPU per
 * indexed document is read from /proc like the Sluice processes'. Undefined when it runs
 * elsewhere (a container's pid is not ours to read) or does not say.
 */
async function localElasticsearchPid() {
  try {
    const body = await (await fetch(`${es}/_nodes/_local/process`)).json();
    const pid = Object.values(body.nodes ?? {})[0]?.process?.id;
    if (!pid) return undefined;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /elasticsearch/i.test(cmdline) ? pid : undefined;
  } catch {
    return undefined;
  }
}
const esPid = parts.e2e ? await localElasticsearchPid() : undefined;

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function start(argv) {
  const child = spawn(process.execPath, [cli, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const watch = watchProcess(child.pid, { intervalMs: 200 });
  exited.then(() => watch.stop());
  return { child, exited, stats: watch.stats, stderr: () => stderr };
}

function samples(text, name) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m && m[1] === name) out.push({ labels: m[2] ?? '', value: Number(m[3]) });
  }
  return out;
}
const sum = (xs) => xs.reduce((a, b) => a + b.value, 0);

/** Quantile from cumulative histogram buckets, interpolating linearly inside a bucket. */
function quantile(buckets, q) {
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let prev = { le: 0, count: 0 };
  for (const b of buckets) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return prev.le;
      return prev.le + ((b.le - prev.le) * (rank - prev.count)) / Math.max(1, b.count - prev.count);
    }
    prev = b;
  }
  return prev.le;
}

function histogramBuckets(texts, name) {
  const byLe = new Map();
  for (const text of texts) {
    for (const s of samples(text, `${name}_bucket`)) {
      const le = /le="([^"]+)"/.exec(s.labels)?.[1];
      const key = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
      byLe.set(key, (byLe.get(key) ?? 0) + s.value);
    }
  }
  return [...byLe.entries()].sort((a, b) => a[0] - b[0]).map(([le, count]) => ({ le, count }));
}

function progress(label, done, total) {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(
    `\r${label.padEnd(22)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}   `,
  );
}

async function runOne(backend, consumers, file, linesPerMessage) {
  const query = queryFor(linesPerMessage);
  const stream = `bench-${backend}-${linesPerMessage}l-${consumers}c-${Date.now().toString(36)}`;
  const index = stream;
  const ports = await Promise.all(Array.from({ length: consumers }, freePort));
  const procs = ports.map((port) =>
    start([
      'consume',
      '--from',
      url(backend, stream, query),
      '--es',
      es,
      '--index',
      index,
      '--module',
      'apache.access',
      '--group',
      stream,
      '--metrics',
      `127.0.0.1:${port}`,
      '--exit-when-idle',
      '15',
      ...(consumers > 1 ? ['--threads', '1'] : []),
    ]),
  );
  await sleep(1_500); // let consumers join before the first record arrives
  // Elasticsearch's CPU over the run: everything the node did meanwhile, so on a machine
  // shared with other work it is an upper bound for what these documents cost it.
  const esBefore = esPid ? procStats(esPid) : undefined;
  const t0 = performance.now();
  const shipper = start(['ship', '--file', file, '--to', url(backend, stream, query)]);
  let shipSeconds;
  shipper.exited.then(() => (shipSeconds = (performance.now() - t0) / 1_000));
  let acked = 0;
  let peakLag = 0;
  let texts = [];
  while (acked < lines) {
    await sleep(500);
    texts = await Promise.all(
      ports.map((p) =>
        fetch(`http://127.0.0.1:${p}/metrics`)
          .then((r) => r.text())
          .catch(() => ''),
      ),
    );
    acked = texts.reduce(
      (a, t) =>
        a + sum(samples(t, 'sluice_consumer_records_total').filter((s) => s.labels.includes('acked'))),
      0,
    );
    const lag = Math.max(
      0,
      ...texts.map((t) =>
        sum(samples(t, 'sluice_consumer_lag_records').filter((s) => s.labels.includes(stream))),
      ),
    );
    peakLag = Math.max(peakLag, lag);
    progress(`${backend}/${linesPerMessage} x${consumers}`, Math.min(acked, lines), lines);
    if (procs.every((p) => p.child.exitCode !== null)) break;
    if ((performance.now() - t0) / 1_000 > 900)
      throw new Error(`${backend}: not done after 15 minutes (${acked}/${lines} acked)`);
  }
  const endSeconds = (performance.now() - t0) / 1_000;
  const esAfter = esPid ? procStats(esPid) : undefined;
  const buckets = histogramBuckets(texts, 'sluice_consumer_end_to_end_seconds');
  await shipper.exited;
  for (const p of procs) p.child.kill('SIGTERM');
  const codes = await Promise.all(procs.map((p) => p.exited));
  if (process.stderr.isTTY) process.stderr.write('\n');
  if (acked < lines)
    throw new Error(`${backend}: only ${acked}/${lines} acknowledged; consumer said: ${procs[0].stderr()}`);
  await fetch(`${es}/${index}`, { method: 'DELETE' }).catch(() => {});
  const mib = readFileSync(file).length / 1024 / 1024;
  return {
    backend,
    linesPerMessage,
    consumers,
    lines,
    publishRate: Math.round(lines / shipSeconds),
    publishMiBs: +(mib / shipSeconds).toFixed(2),
    endToEndRate: Math.round(lines / endSeconds),
    latencyP50: +quantile(buckets, 0.5).toFixed(3),
    latencyP95: +quantile(buckets, 0.95).toFixed(3),
    latencyP99: +quantile(buckets, 0.99).toFixed(3),
    peakLag,
    shipperCpuSeconds: +shipper.stats.cpu.toFixed(1),
    shipperPeakRssMiB: Math.round(shipper.stats.peakRss / 1024 / 1024),
    consumerCpuSeconds: +procs.reduce((a, p) => a + p.stats.cpu, 0).toFixed(1),
    // CPU per line, start-up included, as issue 12 measures it (user + sys / lines).
    shipperCpuMicrosPerLine: +((shipper.stats.cpu * 1e6) / lines).toFixed(1),
    consumerCpuMicrosPerLine: +((procs.reduce((a, p) => a + p.stats.cpu, 0) * 1e6) / lines).toFixed(1),
    elasticsearchCpuMicrosPerDoc:
      esBefore && esAfter ? +(((esAfter.cpu - esBefore.cpu) * 1e6) / lines).toFixed(1) : undefined,
    consumerPeakRssMiB: Math.max(...procs.map((p) => Math.round(p.stats.peakRss / 1024 / 1024))),
    exitCodes: codes,
  };
}

/** Horizontal bars: end-to-end rates (if that part ran) and broker-only Sluice vs native. */
function svgChart(results, summary) {
  const w = 720;
  const rowH = 24;
  const parts = [];
  let y = 10;
  const bar = (label, value, max, colour, unit) => {
    const bw = Math.max(1, Math.round(((w - 360) * value) / max));
    const out = `<text x="10" y="${y + 16}" font-size="12">${label}</text><rect x="230" y="${y + 3}" width="${bw}" height="17" fill="${colour}"/><text x="${236 + bw}" y="${y + 16}" font-size="12">${value.toLocaleString('en')} ${unit}</text>`;
    y += rowH;
    return out;
  };
  const title = (text) => {
    const out = `<text x="10" y="${y + 20}" font-size="15" font-weight="bold">${text}</text>`;
    y += 32;
    return out;
  };
  if (results.length > 0) {
    parts.push(title('End-to-end rate (ship → broker → parse → Elasticsearch)'));
    const max = Math.max(...results.map((r) => r.endToEndRate));
    for (const r of results)
      parts.push(
        bar(`${r.backend}/${r.linesPerMessage} × ${r.consumers}`, r.endToEndRate, max, '#3b82f6', 'lines/s'),
      );
    y += 10;
  }
  if (summary.length > 0) {
    parts.push(title('Broker only: Sluice adapter (blue) vs native tool (grey), records/s'));
    for (const r of summary) {
      const max = Math.max(r.sluiceRate, r.nativeRate);
      const name = `${r.backend}/${r.linesPerMessage}`;
      parts.push(bar(`${name} ${r.op} Sluice (×${r.ratio})`, r.sluiceRate, max, '#3b82f6', 'records/s'));
      parts.push(bar(`${name} ${r.op} native`, r.nativeRate, max, '#9ca3af', 'records/s'));
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${y + 10}" font-family="sans-serif">\n${parts.join('\n')}\n</svg>\n`;
}

const note = (line) => process.stderr.write(`${line}\n`);
const date = new Date().toISOString().slice(0, 10);
const versions = {};
try {
  // The integ-test distribution answers 405 on `GET /`; the nodes API carries the version too.
  const nodes = (await (await fetch(`${es}/_nodes/_local`)).json()).nodes;
  versions.elasticsearch = Object.values(nodes)[0]?.version;
} catch {}
try {
  const redisInfo = spawnSync('redis-cli', ['INFO', 'server'], { encoding: 'utf8' }).stdout;
  versions.redis = /redis_version:(\S+)/.exec(redisInfo)?.[1];
  versions.rabbitmq = spawnSync('rabbitmqctl', ['version'], { encoding: 'utf8' }).stdout.trim() || undefined;
} catch {}
versions.kafka = (await import('@sluice/cli')).KAFKA_VERSION;

// Part 1: broker only, Sluice adapters next to the native tools.
let native;
if (parts.native) {
  const tools = await prepareNativeTools(backends, { kafkaVersion: versions.kafka });
  const samples = [];
  const summary = [];
  // One comparison per lines-per-message value, with the backends that batch lines for the
  // framed ones; the native tool runs again each time, so every ratio is back to back.
  for (const n of linesPerMessageList) {
    const these = backends.filter((b) => linesPerMessageOf(b).includes(n));
    if (these.length === 0) continue;
    const part = await brokerOnlyComparison({
      backends: these,
      ...brokerOnly,
      query: queryFor(n),
      tools,
      note,
    });
    samples.push(...part.samples.map((x) => ({ ...x, linesPerMessage: n })));
    summary.push(...part.summary.map((x) => ({ ...x, linesPerMessage: n })));
  }
  native = {
    ...brokerOnly,
    tools: Object.fromEntries(Object.entries(tools).map(([b, t]) => [b, t.version])),
    summary,
    samples,
  };
}

// Part 2: end to end.
const results = [];
if (parts.e2e) {
  const dir = mkdtempSync(join(os.tmpdir(), 'sluice-bench-'));
  const file = join(dir, 'access.log');
  writeFileSync(file, `${[...generateLines(lines, { seed: 42 })].join('\n')}\n`);
  for (const backend of backends)
    for (const perMessage of linesPerMessageOf(backend))
      for (const n of consumerCounts) results.push(await runOne(backend, n, file, perMessage));
  rmSync(dir, { recursive: true, force: true });
}

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;
const load = os
  .loadavg()
  .map((l) => l.toFixed(1))
  .join(' / ');
const command = `pnpm bench:brokers${args.only ? ` --only ${args.only}` : ''} --backends ${backends.join(',')} --lines-per-message ${linesPerMessageList.join(',')}${parts.native ? ` --records ${brokerOnly.records} --rounds ${brokerOnly.rounds} --size ${brokerOnly.size} --in-flight ${brokerOnly.inFlight}` : ''}${parts.e2e ? ` --lines ${lines} --consumers ${consumerCounts.join(',')}` : ''}`;
const ran = [
  parts.native ? 'broker-only vs native tools' : undefined,
  parts.e2e ? 'end to end' : undefined,
].filter(Boolean);
let md = `# Broker comparison, ${date}

- parts run: **${ran.join(' and ')}**${args.only ? ` (\`--only ${args.only}\`: the ${parts.native ? 'end-to-end' : 'broker-only'} part was not run in this invocation)` : ''}
- machine: ${machine}; load average at the end (1/5/15 min): ${load}
- versions: ${Object.entries(versions)
  .map(([k, v]) => `${k} ${v}`)
  .join(', ')}${native ? `; native tools: ${Object.values(native.tools).join(', ')}` : ''}
- command: \`${command}\`
`;
if (native) {
  md += `
## Broker only: Sluice's adapters next to the broker's own load tool

Publish, then drain, with nothing else in the path: Sluice's \`Producer\`/\`Consumer\` from packages/brokers in a Node process of their own (no file reading, no parsing, no Elasticsearch; each batch acknowledged as soon as it arrives), and the native tool on an equal workload in a stream of its own.

${brokerOnlyMarkdown(native.summary, { ...native, versions: native.tools })}`;
}
if (results.length > 0) {
  // Publish against the native tool's publish rate in MiB/s (part 1, when it ran): the
  // shipper reads, frames and publishes whole lines, the tool sends fixed-size records.
  const nativePublishMiBs = (backend) =>
    native?.summary.find((x) => x.backend === backend && x.op === 'publish' && x.linesPerMessage === 1)
      ?.nativeMiBs;
  const header =
    '| backend | lines/message | consumers | publish lines/s | publish MiB/s | publish / native MiB/s | end-to-end lines/s | e2e p50 s | e2e p95 s | e2e p99 s | peak lag | shipper CPU s | shipper CPU µs/line | shipper peak RSS MiB | consumer CPU s | consumer CPU µs/line | Elasticsearch CPU µs/doc | consumer peak RSS MiB |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|';
  const rows = results
    .map((r) => {
      const nativeMiBs = nativePublishMiBs(r.backend);
      const ratio = nativeMiBs ? (r.publishMiBs / nativeMiBs).toFixed(2) : 'n/a';
      return `| ${r.backend} | ${r.linesPerMessage} | ${r.consumers} | ${r.publishRate} | ${r.publishMiBs} | ${ratio} | ${r.endToEndRate} | ${r.latencyP50} | ${r.latencyP95} | ${r.latencyP99} | ${r.peakLag} | ${r.shipperCpuSeconds} | ${r.shipperCpuMicrosPerLine} | ${r.shipperPeakRssMiB} | ${r.consumerCpuSeconds} | ${r.consumerCpuMicrosPerLine} | ${r.elasticsearchCpuMicrosPerDoc ?? 'n/a'} | ${r.consumerPeakRssMiB} |`;
    })
    .join('\n');
  md += `
## End to end: ship → broker → consume → parse → index

- workload: ${lines.toLocaleString('en')} Apache combined lines (seed 42), module \`apache.access\`, one shipper process, consumers in one group; defaults for batch size and in-flight budget
- publish: \`sluice ship\` of the whole file while the consumers run (so it competes with them for the CPU); lines/s of the file
- latency: shipped → acknowledged after indexing, from the \`sluice_consumer_end_to_end_seconds\` histogram (interpolated inside buckets)
- CPU seconds and peak RSS from /proc of each Sluice process (consumer CPU summed over processes, RSS the largest); µs/line = user + sys CPU, start-up included, divided by the lines shipped
- Elasticsearch CPU: the node's own process (/proc/<pid>/stat, pid from \`_nodes/_local/process\`) from the shipper's start to the last acknowledgement, divided by the documents; n/a when the node does not run on this machine. It counts everything the node did meanwhile.
- publish / native: the shipper's MiB/s of log lines against the native tool's publish MiB/s (one record per message) from the broker-only part of the same run (n/a when that part did not run)
- lines/message: above 1 the broker URLs carry \`?linesPerMessage=N\` (frames of N lines of one source on Kafka and Redis lists, NDJSON batches on RabbitMQ; README "Frames"); 1 is the one-event-per-message form Filebeat and Logstash also read

${header}
${rows}
`;
}
const out = freshResultBase('brokers', ['.md', '.json', '.svg'], date);
md += `\n![chart](${basename(out)}.svg)\n`;
writeFileSync(`${out}.md`, md);
writeFileSync(
  `${out}.json`,
  `${JSON.stringify({ date, machine, load: os.loadavg(), versions, parts: ran, command, brokerOnly: native, lines: parts.e2e ? lines : undefined, results }, null, 2)}\n`,
);
writeFileSync(`${out}.svg`, svgChart(results, native?.summary ?? []));
process.stdout.write(md);
