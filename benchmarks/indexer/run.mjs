// The indexer benchmark: documents/s through ElasticsearchSink next to a raw bulk loader in
// the same run, on the same documents and the same index template.
//
// The raw loader is the ceiling: bodies serialised before the clock starts, sent with
// node:http over keep-alive connections, nothing else done; its batch size and concurrency
// are the best of a small sweep. The sink is driven the way the consumer runtime drives
// it: W writers, each awaiting its write of a parser-sized batch (500 items) before the next.
// Runs alternate (raw, sink, raw, sink, ...) so load from anything else on the machine
// hits both alike; each run writes a fresh index and checks the exact document count.
//
// Usage: pnpm bench:indexer [--docs N] [--sweep-docs N] [--rounds R] [--es URL]
// Writes benchmarks/results/<date>-indexer[-N].{md,json} (-N: the first name not taken). Needs Elasticsearch (pnpm stack up).
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { freshResultBase } from '../lib/results.mjs';

const root = new URL('../../', import.meta.url).pathname;
const core = await import('@sluice/core');
const indexer = await import('@sluice/indexer');
const { generateLines } = await import('@sluice/testkit');

const { values: args } = parseArgs({
  options: {
    docs: { type: 'string', default: '200000' },
    'sweep-docs': { type: 'string', default: '60000' },
    rounds: { type: 'string', default: '5' },
    es: { type: 'string', default: process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200' },
  },
});
const DOCS = Number(args.docs);
const SWEEP_DOCS = Number(args['sweep-docs']);
const ROUNDS = Number(args.rounds);
const ES = args.es.replace(/\/$/, '');
const PARSER_BATCH = 500;
// Writers in flight at once: 40 × 500 = 20 000 events, the consumer's default in-flight budget.
// (With 8 writers the sink could never hold more than 4 000 documents while the raw loader's
// best setting keeps 20 000 in flight: that compared drivers, not loaders.)
const WRITERS = 40;
const quiet = core.createLogger({ level: 'silent' });
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function http(method, path, body, contentType = 'application/json') {
  return new Promise((resolve, reject) => {
    const payload =
      body === undefined
        ? undefined
        : typeof body === 'string' || Buffer.isBuffer(body)
          ? body
          : JSON.stringify(body);
    const req = request(
      `${ES}${path}`,
      {
        method,
        agent,
        headers: payload ? { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) } : {},
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

// ---- documents: ECS events from the seeded generator, as a parser would emit them ----
const COMBINED = /^(\S+) \S+ (\S+) \[([^\]]+)\] "(\S+) (\S+) (\S+)" (\d{3}) (\d+|-) "([^"]*)" "([^"]*)"/;
function toEvent(line, i) {
  const m = COMBINED.exec(line);
  const ts = new Date(Date.UTC(2024, 4, 1) + i * 10).toISOString();
  if (!m) return { '@timestamp': ts, message: line, tags: ['_grokparsefailure'] };
  return {
    '@timestamp': ts,
    message: line,
    source: { address: m[1] },
    user: { name: m[2] },
    http: {
      request: { method: m[4], referrer: m[9] },
      version: m[6].replace('HTTP/', ''),
      response: { status_code: Number(m[7]), body: { bytes: m[8] === '-' ? 0 : Number(m[8]) } },
    },
    url: { original: m[5] },
    user_agent: { original: m[10] },
    host: { name: 'web-1' },
    event: { dataset: 'nginx.access', module: 'nginx' },
  };
}
const lines = [...generateLines(DOCS, { seed: 7, format: 'combined' })];
const sources = lines.map((line, i) => JSON.stringify(toEvent(line, i)));
const avgDocBytes = Math.round(sources.reduce((n, s) => n + Buffer.byteLength(s), 0) / sources.length);

/** Parser-shaped batches (EncodedBatch + records) of the first n documents, into `index`. */
function parserBatches(index, n) {
  const batches = [];
  for (let from = 0; from < n; from += PARSER_BATCH) {
    const docs = [];
    const records = [];
    for (let i = from; i < Math.min(n, from + PARSER_BATCH); i++) {
      docs.push({ index, id: `d${i}`, source: sources[i], record: i - from });
      records.push({ id: `d${i}`, line: lines[i], origin: `bench@${i}` });
    }
    batches.push({ batch: indexer.encodeBatch(docs), records });
  }
  return batches;
}

/** Raw bodies of `size` documents each, pre-serialised. */
function rawBodies(index, n, size) {
  const bodies = [];
  for (let from = 0; from < n; from += size) {
    let body = '';
    for (let i = from; i < Math.min(n, from + size); i++) {
      body += `{"create":{"_index":"${index}","_id":"d${i}"}}\n${sources[i]}\n`;
    }
    bodies.push(Buffer.from(body));
  }
  return bodies;
}

let runNo = 0;
/** Client-side CPU (user + system) per document of the last run, in µs: what the loader itself costs. */
let lastCpuUsPerDoc = 0;
const cpuUs = (since) => {
  const d = process.cpuUsage(since);
  return d.user + d.system;
};
const TEMPLATE = 'sluice-bench-indexer';
async function freshIndex() {
  const index = `bench-indexer-${Date.now().toString(36)}-${runNo++}`;
  const r = await http('PUT', `/${index}`, {});
  if (r.status !== 200) throw new Error(`creating ${index}: ${r.status} ${r.body}`);
  return index;
}
async function finish(index, expected) {
  await http('POST', `/${index}/_refresh`);
  const count = JSON.parse((await http('GET', `/${index}/_count`)).body).count;
  await http('DELETE', `/${index}`);
  if (count !== expected) throw new Error(`${index}: ${count} documents, expected ${expected}`);
}

async function runRaw(n, size, concurrency) {
  const index = await freshIndex();
  const bodies = rawBodies(index, n, size);
  let next = 0;
  const started = process.hrtime.bigint();
  async function lane() {
    while (next < bodies.length) {
      const body = bodies[next++];
      for (;;) {
        const r = await http('POST', '/_bulk?filter_path=errors', body, 'application/x-ndjson');
        if (r.status === 200 && !JSON.parse(r.body).errors) break;
        if (r.status !== 429 && r.status !== 200)
          throw new Error(`raw bulk ${r.status}: ${r.body.slice(0, 300)}`);
        // The raw loader retries whole bodies on 429/item errors: creates of indexed ids become 409s, harmless.
        await new Promise((res) => setTimeout(res, 100));
      }
    }
  }
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, lane));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  lastCpuUsPerDoc = cpuUs(cpu) / n;
  await finish(index, n);
  return n / seconds;
}

async function runSink(n, writers, sinkOptions) {
  const index = await freshIndex();
  const batches = parserBatches(index, n);
  const sink = await indexer.ElasticsearchSink.create({
    node: ES,
    logger: quiet,
    indexTemplate: false,
    ...sinkOptions,
  });
  let next = 0;
  const started = process.hrtime.bigint();
  async function writer() {
    while (next < batches.length) {
      const b = batches[next++];
      await sink.write(b.batch, b.records);
    }
  }
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: writers }, writer));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  lastCpuUsPerDoc = cpuUs(cpu) / n;
  await sink.close();
  await finish(index, n);
  return n / seconds;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => Math.round(x).toLocaleString('en-US');

// Same mappings as production: the sink's own template, applied to the bench indices.
await http(
  'PUT',
  `/_index_template/${TEMPLATE}`,
  indexer.logsTemplate({ patterns: ['bench-indexer-*'], replicas: 0 }),
);

console.error(`documents: ${DOCS} (sweep ${SWEEP_DOCS}), ~${avgDocBytes} bytes of JSON each`);
// warm-up: JIT on both sides, and Elasticsearch's first index creation
await runRaw(Math.min(20_000, SWEEP_DOCS), 2000, 2);

const rawSweep = [];
for (const size of [1000, 2500, 5000]) {
  for (const concurrency of [1, 2, 4]) {
    const rate = await runRaw(SWEEP_DOCS, size, concurrency);
    rawSweep.push({ size, concurrency, rate });
    console.error(`raw   size=${size} concurrency=${concurrency}: ${fmt(rate)} docs/s`);
  }
}
const sinkSweep = [];
for (const flushCount of [1000, 2000, 5000]) {
  for (const concurrency of [1, 2, 4]) {
    const rate = await runSink(SWEEP_DOCS, WRITERS, { flushCount, concurrency, flushIntervalMs: 0 });
    sinkSweep.push({ flushCount, concurrency, flushIntervalMs: 0, rate });
    console.error(`sink  flushCount=${flushCount} concurrency=${concurrency}: ${fmt(rate)} docs/s`);
  }
}
// A linger only helps when writers are many and small; check that it does not hurt.
for (const flushIntervalMs of [50, 1000]) {
  const rate = await runSink(SWEEP_DOCS, WRITERS, { flushCount: 2000, concurrency: 2, flushIntervalMs });
  sinkSweep.push({ flushCount: 2000, concurrency: 2, flushIntervalMs, rate });
  console.error(
    `sink  flushCount=2000 concurrency=2 flushIntervalMs=${flushIntervalMs}: ${fmt(rate)} docs/s`,
  );
}

const bestRaw = rawSweep.reduce((a, b) => (b.rate > a.rate ? b : a));
const defaults = indexer.SINK_DEFAULTS;
const bestSink = sinkSweep.reduce((a, b) => (b.rate > a.rate ? b : a));
const bestSinkOptions = {
  flushCount: bestSink.flushCount,
  concurrency: bestSink.concurrency,
  flushIntervalMs: bestSink.flushIntervalMs,
};
const finals = { raw: [], sinkDefaults: [], sinkBest: [], rawCpu: [], sinkCpu: [] };
for (let r = 0; r < ROUNDS; r++) {
  finals.raw.push(await runRaw(DOCS, bestRaw.size, bestRaw.concurrency));
  finals.rawCpu.push(lastCpuUsPerDoc);
  finals.sinkDefaults.push(await runSink(DOCS, WRITERS, {}));
  finals.sinkCpu.push(lastCpuUsPerDoc);
  finals.sinkBest.push(await runSink(DOCS, WRITERS, bestSinkOptions));
  console.error(
    `round ${r + 1}: raw ${fmt(finals.raw.at(-1))}, sink defaults ${fmt(finals.sinkDefaults.at(-1))}, sink best-of-sweep ${fmt(finals.sinkBest.at(-1))} docs/s`,
  );
}
await http('DELETE', `/_index_template/${TEMPLATE}`);
agent.destroy();

const rawRate = median(finals.raw);
const sinkRate = median(finals.sinkDefaults);
const ratio = sinkRate / rawRate;
const date = new Date().toISOString().slice(0, 10);
const esVersion = JSON.parse(
  (await http('GET', '/_nodes/_local?filter_path=nodes.*.version').catch(() => ({ body: '{}' }))).body ??
    '{}',
);
const versions = {
  node: process.version,
  elasticsearch: Object.values(esVersion.nodes ?? {})[0]?.version ?? 'unknown',
  client: JSON.parse(
    readFileSync(`${root}packages/indexer/node_modules/@elastic/elasticsearch/package.json`, 'utf8'),
  ).version,
};
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}`;

const md = `# Indexer benchmark, ${date}

Machine: ${machine}. Elasticsearch ${versions.elasticsearch} (single node, integ-test distribution, on the same machine), Node ${versions.node}, @elastic/elasticsearch ${versions.client}.
Documents: ECS access-log events from the seeded generator, ~${avgDocBytes} bytes of JSON each, \`create\` with explicit ids, the Sluice \`logs\` template (0 replicas). Each run writes a fresh index and checks the exact count.

## Result (${DOCS.toLocaleString('en-US')} documents, median of ${ROUNDS} alternating rounds)

| loader | settings | docs/s | client CPU µs/doc |
|---|---|---:|---:|
| raw bulk loader (ceiling) | ${bestRaw.size} docs/request, ${bestRaw.concurrency} in flight, bodies pre-serialised | ${fmt(rawRate)} | ${median(finals.rawCpu).toFixed(1)} |
| ElasticsearchSink, defaults | flushCount ${defaults.flushCount}, flushBytes ${defaults.flushBytes / 2 ** 20} MiB, concurrency ${defaults.concurrency}, flushIntervalMs ${defaults.flushIntervalMs}; ${WRITERS} writers × 500-item batches | ${fmt(sinkRate)} | ${median(finals.sinkCpu).toFixed(1)} |
| ElasticsearchSink, best of the sweep | flushCount ${bestSink.flushCount}, concurrency ${bestSink.concurrency}, flushIntervalMs ${bestSink.flushIntervalMs} | ${fmt(median(finals.sinkBest))} | |
| **ratio** (defaults / ceiling) | target ≥ 0.9 | **${ratio.toFixed(2)}** | |
| ratio (best of sweep / ceiling) | | ${(median(finals.sinkBest) / rawRate).toFixed(2)} | |

Rounds: raw ${finals.raw.map(fmt).join(', ')}; sink defaults ${finals.sinkDefaults.map(fmt).join(', ')}; sink best-of-sweep ${finals.sinkBest.map(fmt).join(', ')}.

## Sweeps (${SWEEP_DOCS.toLocaleString('en-US')} documents per run)

Raw loader:

| docs/request | in flight | docs/s |
|---:|---:|---:|
${rawSweep.map((r) => `| ${r.size} | ${r.concurrency} | ${fmt(r.rate)} |`).join('\n')}

Sink (${WRITERS} writers, each awaiting its 500-item write, as the consumer runtime does):

| flushCount | concurrency | flushIntervalMs | docs/s |
|---:|---:|---:|---:|
${sinkSweep.map((r) => `| ${r.flushCount} | ${r.concurrency} | ${r.flushIntervalMs} | ${fmt(r.rate)} |`).join('\n')}

Runs alternate with whatever else the machine is doing; on a shared 2-core box the spread between rounds is the error bar.
`;
const out = freshResultBase('indexer', ['.md', '.json'], date);
writeFileSync(`${out}.md`, md);
writeFileSync(
  `${out}.json`,
  `${JSON.stringify({ date, machine, versions, docs: DOCS, avgDocBytes, rawSweep, sinkSweep, finals, ratio }, null, 2)}\n`,
);
console.log(md);
