// The "broker-only" stage: Sluice's own producer and consumer adapters (packages/brokers)
// with nothing around them: no file reading, no parsing, no Elasticsearch. Run as a child
// process (one per measurement, like the native tools) so its CPU and memory are its own:
//   node benchmarks/lib/sluice-broker.mjs '{"mode":"publish","backend":"redis","url":"...","records":100000}'
// Prints one JSON object on stdout. Records are generated before the clock starts.
import { hostname } from 'node:os';

// The checkout's root, for modules the packages do not export (the RabbitMQ batch codec).
const root = new URL('../../', import.meta.url).href;

const { createLogger } = await import('@sluice/core');
const brokers = await import('@sluice/brokers');
const { generateLines } = await import('@sluice/testkit');

const job = JSON.parse(process.argv[2] ?? '{}');
const { mode, url, records: count } = job;
const lineBytes = job.lineBytes ?? 200;
const batch = job.batch ?? 1000;
const inFlight = job.inFlight ?? 1;
if (!['publish', 'drain'].includes(mode) || !url || !(count > 0))
  throw new Error(
    'usage: sluice-broker.mjs \'{"mode":"publish"|"drain","backend":"...","url":"...","records":N}\'',
  );

const target = brokers.parseBrokerUrl(url);
const logger = createLogger({ level: 'warn' });
const result = mode === 'publish' ? await publish() : await drain();
process.stdout.write(
  `${JSON.stringify({ ...result, peakRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`,
);
process.exit(0);

/**
 * Records shaped like the shipper's for one file: one source (so one Kafka partition, as the
 * shipper keys by file), byte offsets, and the metadata fields every shipped record carries.
 * Lines are seeded Apache access lines cut or padded to exactly `lineBytes` ASCII bytes.
 */
function makeRecords() {
  const host = hostname();
  const fields = { 'host.name': host, 'agent.id': host, 'agent.type': 'sluice' };
  const out = new Array(count);
  let i = 0;
  let offset = 0;
  const now = Date.now();
  for (const line of generateLines(count, { seed: 7 })) {
    const fixed = line.length >= lineBytes ? line.slice(0, lineBytes) : line.padEnd(lineBytes, '-');
    out[i] = {
      id: `bench-${i}`,
      line: fixed,
      source: '/var/log/bench/access.log',
      offset,
      shippedAt: now,
      fields: { ...fields, 'event.created': new Date(now).toISOString() },
    };
    offset += lineBytes + 1;
    i++;
  }
  return out;
}

/**
 * Bytes one record puts on the wire in Sluice's format (payload plus key/headers), for the
 * table. With `?linesPerMessage=N`: the bytes of a message of N records, divided by N.
 */
async function wireBytes(records) {
  const per = Number(target.options.linesPerMessage ?? 1);
  if (per > 1) {
    const group = records.slice(0, per);
    if (target.kind === 'rabbitmq') {
      const { encodeAmqpBatch } = await import(`${root}packages/brokers/dist/rabbitmq/codec.js`);
      return encodeAmqpBatch(group).body.length / group.length;
    }
    const frame = Buffer.byteLength(brokers.encodeFrame(group));
    // Kafka: the key (the source) and the frame headers, once per message.
    const kafkaExtra = target.kind === 'kafka' ? Buffer.byteLength(group[0].source) + 60 : 0;
    return (frame + kafkaExtra) / group.length;
  }
  return brokers.brokerDescriptor(target.kind).codec.wireBytes(records[0]);
}

/** `batch` records per publish() (the shipper's --batch-size), at most `inFlight` unconfirmed publishes. */
async function publish() {
  const records = makeRecords();
  // Warnings only: the result is the one JSON line on stdout.
  const producer = await brokers.createProducer(target, { logger });
  const pending = new Set();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < records.length; i += batch) {
    const p = producer.publish(records.slice(i, i + batch)).finally(() => pending.delete(p));
    pending.add(p);
    if (pending.size >= inFlight) await Promise.race(pending);
  }
  await Promise.all(pending);
  const seconds = (performance.now() - t0) / 1_000;
  const cpu = process.cpuUsage(cpu0);
  await producer.close();
  return {
    records: records.length,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    wireBytesPerRecord: Math.round(await wireBytes(records)),
  };
}

/**
 * Consumes `count` records with the consumer's defaults (batches of 500, 4 in flight; for
 * RabbitMQ prefetch 2000) and acknowledges each batch as soon as it arrives: the drain rate
 * of the adapter itself. The clock starts at the first batch, so joining the group (Kafka) or
 * declaring the topology is not counted, as Kafka's ConsumerPerformance reports its fetch rate.
 */
async function drain() {
  const consumer = await brokers.createConsumer(target, {
    group: job.group ?? `bench-${Date.now().toString(36)}`,
    fromBeginning: true,
    logger,
  });
  let seen = 0;
  let t0;
  let cpu0;
  let finished;
  const done = new Promise((resolve) => (finished = resolve));
  const started = performance.now();
  const running = consumer.run(async (b) => {
    if (t0 === undefined) {
      t0 = performance.now();
      cpu0 = process.cpuUsage();
    }
    seen += b.records.length;
    await b.ack();
    if (seen >= count) finished();
  });
  const timeout = setTimeout(() => finished(), job.timeoutMs ?? 600_000);
  await Promise.race([done, running]);
  clearTimeout(timeout);
  const seconds = (performance.now() - (t0 ?? started)) / 1_000;
  const cpu = process.cpuUsage(cpu0);
  await consumer.close();
  if (seen < count)
    throw new Error(`drained only ${seen}/${count} records from ${target.stream} before the timeout`);
  return {
    records: seen,
    seconds,
    startupSeconds: ((t0 ?? started) - started) / 1_000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}
