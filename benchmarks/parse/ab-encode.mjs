// A worker's per-record work (encodeRecords: pipeline + bulk body) of two builds, CPU µs per
// line: for before/after comparisons of parser changes on a machine too loaded for two
// separate benchmark runs to compare (issue 12). Also checks that both builds write
// byte-identical bulk bodies.
//
// Each measurement runs in a process of its own (two unmeasured passes, then three measured),
// the builds alternating, order flipped each round. Both builds in one process, as this
// script first did, made whichever was loaded second up to twice as slow (seen on Node 20,
// 2026-12-05: the same checkout against itself read 1.00, two copies of one commit 1.6-1.9),
// so that comparisons from before then understated B's gains.
//
//   node benchmarks/parse/ab-encode.mjs --a /path/to/other/checkout/ [--module apache.access
//     | --pattern '%{COMBINEDAPACHELOG}'] [--format combined|common|syslog|json] [--lines N]
//     [--rounds R]
//
// --a and --b are checkouts with built packages (packages/*/dist); --b defaults to this
// one. Lines come from @sluice/testkit's generator (in time order, 7 user agents).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { shipperFields } from '../lib/shipped.mjs';

const { values: a } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string', default: new URL('../../', import.meta.url).pathname },
    module: { type: 'string' },
    pattern: { type: 'string' },
    format: { type: 'string', default: 'combined' },
    lines: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '11' },
    codec: { type: 'string' },
    // Internal: measure this one build in this process and print its result as JSON.
    only: { type: 'string' },
  },
});
if (a.a === undefined && a.only === undefined)
  throw new Error('--a: the checkout to compare with (built), e.g. a copy at the base commit');
const dir = (root) => (root.endsWith('/') ? root : `${root}/`);
const { generateLines } = await import(`${dir(a.b)}packages/testkit/dist/index.js`);
const lines = [...generateLines(Number(a.lines), { format: a.format, seed: 7 })];
const shippedAt = Date.UTC(2026, 0, 15);
const records = lines.map((line, i) => ({ id: `r${i}`, line, format: 'raw', shippedAt }));
const batches = [];
for (let i = 0; i < records.length; i += 1000) batches.push(records.slice(i, i + 1000));
if (a.codec !== undefined && a.codec !== 'kafka' && a.codec !== 'list')
  throw new Error(`--codec: kafka or list, not ${a.codec}`);

/** A batch's raw payloads as the consumer hands them to a worker, built with `root`'s brokers package. */
async function rawBatches(root) {
  const brokers = `${dir(root)}packages/brokers/dist/`;
  const { encodeEnvelope } = await import(`${brokers}wire.js`);
  const { encodeKafkaMessage } = await import(`${brokers}kafka/codec.js`);
  const { packKafkaMessages } = await import(`${brokers}kafka/raw.js`);
  const { sharedBytes } = await import(`${brokers}payloads.js`);
  const path = '/var/log/apache2/access.log';
  let offset = 0;
  const outbound = (record) => {
    const out = {
      id: record.id,
      line: record.line,
      source: path,
      offset,
      shippedAt,
      fields: shipperFields(path, shippedAt, offset),
    };
    offset += Buffer.byteLength(record.line) + 1;
    return out;
  };
  return batches.map((batch, b) => {
    const messages = batch.map(outbound);
    if (a.codec === 'kafka') {
      const received = messages.map((m, i) => {
        const message = encodeKafkaMessage(m);
        const headers = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = Buffer.from(v);
        return {
          key: Buffer.from(message.key),
          value: Buffer.from(message.value),
          headers,
          offset: String(b * 1000 + i),
        };
      });
      return packKafkaMessages(received, 'logs', 0);
    }
    const texts = messages.map((m) => Buffer.from(encodeEnvelope(m)));
    const total = texts.reduce((n, t) => n + t.length, 0);
    const bytes = sharedBytes(total);
    const ends = new Int32Array(texts.length);
    let at = 0;
    texts.forEach((t, i) => {
      bytes.set(t, at);
      at += t.length;
      ends[i] = at;
    });
    return { codec: 'list', stream: 'logs', origin: 'logs', bytes, ends };
  });
}
const source = a.pattern ? { patterns: [a.pattern] } : { module: a.module ?? 'apache.access' };

/** One build's encode of every batch: lines encoded, and the bodies when `keep`. */
async function load(root) {
  const parser = await import(`${dir(root)}packages/parser/dist/index.js`);
  const core = await import(`${dir(root)}packages/core/dist/index.js`);
  const pipeline = await parser.compileSource(source);
  const indexName = core.compileIndexName('logs-%{+yyyy.MM.dd}');
  const raws = a.codec === undefined ? undefined : await rawBatches(root);
  const { decodePayloads } = await import(`${dir(root)}packages/brokers/dist/payloads.js`);
  return (keep) => {
    let items = 0;
    const bodies = createHash('sha256');
    for (let b = 0; b < batches.length; b++) {
      const batch = raws === undefined ? batches[b] : decodePayloads(raws[b]).records;
      const encoded = parser.encodeRecords(batch, {
        pipeline,
        indexName,
        indexReadsFields: false,
        now: shippedAt,
      });
      items += encoded.recordIndex.length;
      if (keep) bodies.update(encoded.body);
    }
    return { items, bodies: keep ? bodies.digest('hex') : '' };
  };
}

if (a.only !== undefined) {
  const run = await load(a.only);
  const { bodies } = run(true); // unmeasured passes (the first fingerprints the bodies)
  run(false);
  const cpu = process.cpuUsage();
  let items = 0;
  for (let pass = 0; pass < 3; pass++) items += run(false).items;
  const used = process.cpuUsage(cpu);
  process.stdout.write(`${JSON.stringify({ perLine: (used.user + used.system) / items, bodies })}\n`);
  process.exit(0);
}

const self = fileURLToPath(import.meta.url);
const measure = (root) => {
  const args = [self, '--only', root, '--b', a.b, '--format', a.format, '--lines', a.lines];
  if (a.module !== undefined) args.push('--module', a.module);
  if (a.pattern !== undefined) args.push('--pattern', a.pattern);
  if (a.codec !== undefined) args.push('--codec', a.codec);
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' }).trim().split('\n').at(-1));
};
const builds = [a.a, a.b].map((root) => ({ root, perLine: [], bodies: new Set() }));
for (let r = 0; r < Number(a.rounds); r++) {
  for (const build of r % 2 === 0 ? builds : [...builds].reverse()) {
    const { perLine, bodies } = measure(build.root);
    build.perLine.push(perLine);
    build.bodies.add(bodies);
  }
}
const [bodiesA, bodiesB] = builds.map((b) => [...b.bodies].join(','));
const identical = bodiesA === bodiesB && !bodiesA.includes(',');
const stat = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return { min: s[0], median: s[Math.floor(s.length / 2)] };
};
const [A, B] = builds.map((b) => stat(b.perLine));
const f = (n) => n.toFixed(2);
process.stdout.write(
  `${a.pattern ?? source.module}, ${a.format} lines${a.codec === undefined ? '' : `, decoded from ${a.codec} payloads`}: CPU µs/line A min ${f(A.min)} median ${f(A.median)}, B min ${f(B.min)} median ${f(B.median)}; B/A min ${f(B.min / A.min)} median ${f(B.median / A.median)}; bodies ${identical ? 'byte-identical' : 'DIFFER'}\n`,
);
if (!identical) process.exitCode = 1;
