// One line per message vs a batch of lines per message, per backend: publish and consume
// rates through the raw clients (to see the per-message cost of each broker) and through
// Sluice's adapters (one line per message, what ships). 200-byte lines.
//   node packages/brokers/bench/wire-format.mjs [lines=50000] [linesPerMessage=100]
// Needs Redis, RabbitMQ and Kafka on their default local ports and a build (tsc -b).
import { createRequire } from 'node:module';
import { createConsumer, createProducer, parseBrokerUrl } from '../dist/index.js';

const require = createRequire(import.meta.url);
const { Redis } = require('ioredis');
const amqp = require('amqplib');
const { Kafka, logLevel } = require('kafkajs');

const LINES = Number(process.argv[2] ?? 50_000);
const PER_MESSAGE = Number(process.argv[3] ?? 100);
const line = (i) => `${String(i).padStart(8, '0')} ${'x'.repeat(191)}`;
const lines = Array.from({ length: LINES }, (_, i) => line(i));
const suffix = `${Date.now().toString(36)}`;
const results = [];

async function timed(label, fn) {
  const t0 = process.hrtime.bigint();
  await fn();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const rate = Math.round(LINES / s);
  results.push({
    label,
    lines: LINES,
    seconds: s.toFixed(2),
    linesPerSecond: rate,
    MiBps: ((LINES * 200) / s / 1048576).toFixed(1),
  });
  console.log(`${label.padEnd(48)} ${String(rate).padStart(8)} lines/s`);
}

const messages = (mode) => {
  if (mode === 'line') return lines;
  const out = [];
  for (let i = 0; i < lines.length; i += PER_MESSAGE) out.push(lines.slice(i, i + PER_MESSAGE).join('\n'));
  return out;
};

// Redis: RPUSH in pipelines of 1000 elements; consume with LMOVE batches of 500 (Lua), as the adapter does.
async function redisRaw(mode) {
  const r = new Redis('redis://127.0.0.1:6379');
  const key = `bench-${mode}-${suffix}`;
  const msgs = messages(mode);
  await timed(
    `redis raw publish, ${mode === 'line' ? '1 line' : `${PER_MESSAGE} lines`}/message`,
    async () => {
      for (let i = 0; i < msgs.length; i += 1000) await r.rpush(key, ...msgs.slice(i, i + 1000));
    },
  );
  const take =
    "local o={} for i=1,tonumber(ARGV[1]) do local v=redis.call('LMOVE',KEYS[1],KEYS[2],'LEFT','RIGHT') if not v then break end o[#o+1]=v end return o";
  const ack = "for i=1,#ARGV do redis.call('LREM',KEYS[1],1,ARGV[i]) end return 1";
  await timed(
    `redis raw consume+ack, ${mode === 'line' ? '1 line' : `${PER_MESSAGE} lines`}/message`,
    async () => {
      let got = 0;
      const per = mode === 'line' ? 500 : Math.max(1, Math.floor(500 / PER_MESSAGE));
      while (got < msgs.length) {
        const batch = await r.eval(take, 2, key, `${key}:p`, per);
        await r.eval(ack, 1, `${key}:p`, ...batch);
        got += batch.length;
      }
    },
  );
  await r.del(key, `${key}:p`);
  await r.quit();
}

async function rabbitRaw(mode) {
  const m = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
  const ch = await m.createConfirmChannel();
  const q = `bench-${mode}-${suffix}`;
  await ch.assertQueue(q, { durable: true });
  const msgs = messages(mode);
  await timed(
    `rabbitmq raw publish (persistent, confirms), ${mode === 'line' ? '1 line' : `${PER_MESSAGE} lines`}/msg`,
    async () => {
      for (let i = 0; i < msgs.length; i += 1000) {
        for (const body of msgs.slice(i, i + 1000)) {
          if (!ch.sendToQueue(q, Buffer.from(body), { persistent: true }))
            await new Promise((r) => ch.once('drain', r));
        }
        await ch.waitForConfirms();
      }
    },
  );
  const c = await m.createChannel();
  await c.prefetch(2000);
  await timed(
    `rabbitmq raw consume+ack, ${mode === 'line' ? '1 line' : `${PER_MESSAGE} lines`}/message`,
    async () => {
      let got = 0;
      await new Promise((resolve) => {
        c.consume(q, (msg) => {
          c.ack(msg);
          if (++got === msgs.length) resolve();
        });
      });
    },
  );
  await c.close();
  await ch.deleteQueue(q);
  await m.close();
}

async function kafkaRaw(mode) {
  const kafka = new Kafka({ brokers: ['127.0.0.1:9092'], clientId: 'bench', logLevel: logLevel.NOTHING });
  const topic = `bench-${mode}-${suffix}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await p.connect();
  const msgs = messages(mode);
  await timed(
    `kafka raw publish (acks=all), ${mode === 'line' ? '1 line' : `${PER_MESSAGE} lines`}/message`,
    async () => {
      // About 200 KB per request either way (a Kafka request is at most 1 MiB by default).
      const per = mode === 'line' ? 1000 : 10;
      for (let i = 0; i < msgs.length; i += per)
        await p.send({ topic, acks: -1, messages: msgs.slice(i, i + per).map((value) => ({ value })) });
    },
  );
  const c = kafka.consumer({ groupId: `${topic}-g` });
  await c.connect();
  await c.subscribe({ topic, fromBeginning: true });
  await timed(
    `kafka raw consume+commit, ${mode === 'line' ? '1 line' : `${PER_MESSAGE} lines`}/message`,
    async () => {
      let got = 0;
      await new Promise((resolve) => {
        c.run({
          eachBatchAutoResolve: true,
          eachBatch: async ({ batch }) => {
            got += batch.messages.length;
            if (got >= msgs.length) resolve();
          },
        });
      });
    },
  );
  await c.disconnect();
  await p.disconnect();
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
}

async function adapter(kind, base, query = '') {
  const stream = `bench-adapter-${kind}-${suffix}`;
  const target = parseBrokerUrl(`${base}/${stream}${kind === 'kafka' ? '?partitions=1' : query}`);
  const mode = query ? ` ${query}` : ' (1 line/message)';
  const producer = await createProducer(target);
  const records = lines.map((l, i) => ({
    id: `id-${i}`,
    line: l,
    source: '/var/log/bench.log',
    offset: i * 201,
    shippedAt: Date.now(),
  }));
  await timed(`${kind} Sluice adapter publish${mode}`, async () => {
    for (let i = 0; i < records.length; i += 1000) await producer.publish(records.slice(i, i + 1000));
  });
  await producer.close();
  const consumer = await createConsumer(target, {
    batchSize: 500,
    maxInFlightBatches: 4,
    group: `${stream}-g`,
    logger: {
      debug() {},
      info() {},
      warn() {},
      error() {},
      child() {
        return this;
      },
    },
  });
  await timed(`${kind} Sluice adapter consume+ack${mode}`, async () => {
    let got = 0;
    const running = consumer.run(async (batch) => {
      got += batch.records.length;
      await batch.ack();
      if (got >= LINES) void consumer.close();
    });
    await running;
  });
}

const only = process.env.BENCH_ONLY?.split(',');
const want = (k) => !only || only.includes(k);
if (want('redis')) for (const mode of ['line', 'batch']) await redisRaw(mode);
if (want('rabbitmq')) for (const mode of ['line', 'batch']) await rabbitRaw(mode);
if (want('kafka')) for (const mode of ['line', 'batch']) await kafkaRaw(mode);
if (want('redis')) await adapter('redis', 'redis://127.0.0.1:6379');
if (want('rabbitmq')) await adapter('rabbitmq', 'amqp://guest:guest@127.0.0.1:5672');
if (want('rabbitmq'))
  await adapter('rabbitmq', 'amqp://guest:guest@127.0.0.1:5672', `?linesPerMessage=${PER_MESSAGE}`);
if (want('kafka')) await adapter('kafka', 'kafka://127.0.0.1:9092');
console.log(JSON.stringify(results));
process.exit(0);
