// The broker comparison: the same workload end to end (ship -> broker -> consume -> parse
// -> index) through Kafka, Redis and RabbitMQ, then 1 versus 2 consumer processes.
// Usage: pnpm bench:brokers [--lines N] [--backends kafka,redis,rabbitmq] [--consumers 1,2]
// Writes benchmarks/results/<date>-brokers.{md,json,svg}. Needs the stack (pnpm stack up).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const root = new URL('../../', import.meta.url).pathname;
const cli = `${root}packages/cli/dist/main.js`;
const { generateLines } = await import(`${root}packages/core/dist/index.js`);

const { values: args } = parseArgs({
  options: {
    lines: { type: 'string', default: '300000' },
    backends: { type: 'string', default: 'kafka,redis,rabbitmq' },
    consumers: { type: 'string', default: '1,2' },
    es: { type: 'string', default: process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200' },
  },
});
const lines = Number(args.lines);
const backends = args.backends.split(',');
const consumerCounts = args.consumers.split(',').map(Number);
const es = args.es;
const kafka = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const redis = (process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').replace(/\/\d*$/, '');
const amqp = (process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672').replace(/\/$/, '');
const CLK_TCK = 100; // Linux USER_HZ; /proc/<pid>/stat reports CPU time in these ticks

const url = (backend, stream) =>
  backend === 'kafka'
    ? `kafka://${kafka}/${stream}`
    : backend === 'redis'
      ? `${redis}/${stream}`
      : `${amqp}/${stream}`;

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** CPU seconds and peak RSS of a live process, from /proc. */
function procStats(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpu = (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    return { cpu, peakRss: hwm };
  } catch {
    return undefined;
  }
}

function start(argv) {
  const child = spawn(process.execPath, [cli, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const stats = { cpu: 0, peakRss: 0 };
  const poll = setInterval(() => {
    const s = procStats(child.pid);
    if (s) Object.assign(stats, { cpu: s.cpu, peakRss: Math.max(stats.peakRss, s.peakRss) });
  }, 200);
  exited.then(() => clearInterval(poll));
  return { child, exited, stats, stderr: () => stderr };
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

async function runOne(backend, consumers, file) {
  const stream = `bench-${backend}-${consumers}c-${Date.now().toString(36)}`;
  const index = stream;
  const ports = await Promise.all(Array.from({ length: consumers }, freePort));
  const procs = ports.map((port, i) =>
    start([
      'consume',
      '--from',
      url(backend, stream),
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
  const t0 = performance.now();
  const shipper = start(['ship', '--file', file, '--to', url(backend, stream)]);
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
    progress(`${backend} x${consumers}`, Math.min(acked, lines), lines);
    if (procs.every((p) => p.child.exitCode !== null)) break;
    if ((performance.now() - t0) / 1_000 > 900)
      throw new Error(`${backend}: not done after 15 minutes (${acked}/${lines} acked)`);
  }
  const endSeconds = (performance.now() - t0) / 1_000;
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
    consumerPeakRssMiB: Math.max(...procs.map((p) => Math.round(p.stats.peakRss / 1024 / 1024))),
    exitCodes: codes,
  };
}

function svgChart(results) {
  const w = 640;
  const rowH = 28;
  const h = 60 + results.length * rowH;
  const max = Math.max(...results.map((r) => r.endToEndRate));
  const rows = results
    .map((r, i) => {
      const y = 40 + i * rowH;
      const bw = Math.round(((w - 260) * r.endToEndRate) / max);
      return `<text x="10" y="${y + 16}" font-size="13">${r.backend} × ${r.consumers}</text><rect x="140" y="${y}" width="${bw}" height="20" fill="#3b82f6"/><text x="${146 + bw}" y="${y + 16}" font-size="13">${r.endToEndRate.toLocaleString('en')} lines/s</text>`;
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif">\n<text x="10" y="22" font-size="15" font-weight="bold">End-to-end rate (ship → broker → parse → Elasticsearch)</text>\n${rows}\n</svg>\n`;
}

const dir = mkdtempSync(join(os.tmpdir(), 'sluice-bench-'));
const file = join(dir, 'access.log');
writeFileSync(file, `${[...generateLines(lines, { seed: 42 })].join('\n')}\n`);
const results = [];
for (const backend of backends) for (const n of consumerCounts) results.push(await runOne(backend, n, file));

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
versions.kafka = (await import(`${root}packages/cli/dist/stack/index.js`)).KAFKA_VERSION;
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;
const header =
  '| backend | consumers | publish lines/s | publish MiB/s | end-to-end lines/s | e2e p50 s | e2e p95 s | e2e p99 s | peak lag | shipper CPU s | shipper peak RSS MiB | consumer CPU s | consumer peak RSS MiB |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|';
const rows = results
  .map(
    (r) =>
      `| ${r.backend} | ${r.consumers} | ${r.publishRate} | ${r.publishMiBs} | ${r.endToEndRate} | ${r.latencyP50} | ${r.latencyP95} | ${r.latencyP99} | ${r.peakLag} | ${r.shipperCpuSeconds} | ${r.shipperPeakRssMiB} | ${r.consumerCpuSeconds} | ${r.consumerPeakRssMiB} |`,
  )
  .join('\n');
const md = `# Broker comparison, ${date}

- machine: ${machine}
- versions: ${Object.entries(versions)
  .map(([k, v]) => `${k} ${v}`)
  .join(', ')}
- workload: ${lines.toLocaleString('en')} Apache combined lines (seed 42), module \`apache.access\`, one shipper process, consumers in one group; defaults for batch size and in-flight budget
- command: \`pnpm bench:brokers --lines ${lines} --backends ${backends.join(',')} --consumers ${consumerCounts.join(',')}\`
- latency: shipped → acknowledged after indexing, from the \`sluice_consumer_end_to_end_seconds\` histogram (interpolated inside buckets)
- CPU seconds and peak RSS from /proc of each Sluice process (consumer CPU summed over processes, RSS the largest)

${header}
${rows}

![chart](${date}-brokers.svg)
`;
mkdirSync(`${root}benchmarks/results`, { recursive: true });
writeFileSync(`${root}benchmarks/results/${date}-brokers.md`, md);
writeFileSync(
  `${root}benchmarks/results/${date}-brokers.json`,
  `${JSON.stringify({ date, machine, versions, lines, results }, null, 2)}\n`,
);
writeFileSync(`${root}benchmarks/results/${date}-brokers.svg`, svgChart(results));
process.stdout.write(md);
