import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BrokerTarget, type InboundBatch, parseBrokerUrl } from '@sluice/brokers';
import { KafkaConsumer, type KafkaConsumerOptions, KafkaProducer } from '@sluice/brokers/kafka';
import {
  createLogger,
  type InboundRecord,
  type Logger,
  metricsRegistry,
  type OutboundRecord,
} from '@sluice/core';
import type * as KafkaJs from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { brokerEnv, records, uniqueStream } from '../support/brokers.js';
import { tcpOpen } from '../support/net.js';
import { waitFor } from '../support/wait.js';

/**
 * Kafka-specific behaviour that the shared conformance suite cannot express: contiguous
 * commits under out-of-order acks, rebalances mid-batch, heartbeats during long batches,
 * lag from committed offsets. Real broker (the stack's KRaft node); every test has its own
 * topic and group.
 */
const requireFromBrokers = createRequire(new URL('../../packages/brokers/package.json', import.meta.url));
const { Kafka, logLevel } = requireFromBrokers('kafkajs') as typeof KafkaJs;

const env = await brokerEnv();
const bootstrap = env.kafkaBrokers[0] ?? '127.0.0.1:9092';
const reachable = await tcpOpen(
  bootstrap.slice(0, bootstrap.lastIndexOf(':')),
  Number(bootstrap.slice(bootstrap.lastIndexOf(':') + 1)),
  1_000,
);

const kafka = new Kafka({
  brokers: [...env.kafkaBrokers],
  clientId: 'sluice-test',
  logLevel: logLevel.NOTHING,
});
let admin: KafkaJs.Admin;
const topics: string[] = [];
const open: { close(): Promise<void> }[] = [];

/** A topic with its own name and partition count, and a target for it. */
async function topic(prefix: string, partitions: number, query = ''): Promise<BrokerTarget> {
  const name = uniqueStream(`kafka-${prefix}`);
  topics.push(name, `${name}.dlq`);
  await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions }], waitForLeaders: true });
  return parseBrokerUrl(`kafka://${env.kafkaBrokers.join(',')}/${name}?partitions=${partitions}${query}`);
}

function producer(target: BrokerTarget): KafkaProducer {
  const p = new KafkaProducer(target, { logger: quiet() });
  open.push(p);
  return p;
}

/** Log lines of one consumer, to count group joins. */
function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = { write: (s: string) => lines.push(s) } as unknown as NodeJS.WritableStream;
  return { logger: createLogger({ level: 'debug', format: 'json', stream }), lines };
}

function quiet(): Logger {
  // KAFKA_TEST_DEBUG=1 shows the adapter's and kafkajs's log lines on stderr.
  return createLogger({ level: process.env.KAFKA_TEST_DEBUG ? 'debug' : 'silent', format: 'json' });
}

function consumer(target: BrokerTarget, options: KafkaConsumerOptions = {}): KafkaConsumer {
  const c = new KafkaConsumer(target, {
    sessionTimeoutMs: 6_000,
    heartbeatIntervalMs: 500,
    closeTimeoutMs: 5_000,
    logger: quiet(),
    ...options,
  });
  open.push(c);
  return c;
}

/** Committed offsets of a group, by partition (-1: none). */
async function committed(group: string, name: string): Promise<Map<number, number>> {
  const [t] = await admin.fetchOffsets({ groupId: group, topics: [name] });
  return new Map((t?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
}

/** A handler that keeps every batch until the test decides. */
function holder() {
  const held: InboundBatch[] = [];
  const seen: InboundRecord[] = [];
  const handle = async (batch: InboundBatch) => {
    held.push(batch);
    seen.push(...batch.records);
    // Never resolves by itself: the test acks or hands back through `held`.
    await new Promise<void>((resolve) => {
      const ack = batch.ack.bind(batch);
      const retry = batch.retryLater.bind(batch);
      Object.assign(batch, {
        ack: async () => {
          await ack();
          resolve();
        },
        retryLater: async () => {
          await retry();
          resolve();
        },
      });
    });
  };
  return { held, seen, handle };
}

/** The broker counters for backend="kafka" (one registry per test process). */
async function kafkaCounters(): Promise<
  Record<'consumed' | 'redelivered' | 'acknowledged' | 'deadLettered', number>
> {
  const value = async (name: string) => {
    const metric = metricsRegistry.getSingleMetric(name);
    const values = metric ? (await metric.get()).values : [];
    return values.find((v) => v.labels.backend === 'kafka')?.value ?? 0;
  };
  return {
    consumed: await value('sluice_broker_consumed_records_total'),
    redelivered: await value('sluice_broker_redelivered_records_total'),
    acknowledged: await value('sluice_broker_acknowledged_records_total'),
    deadLettered: await value('sluice_broker_dead_lettered_records_total'),
  };
}

function partitionOf(record: InboundRecord): number {
  return Number(/\/(\d+)@/.exec(record.origin)?.[1]);
}

function offsetOf(record: InboundRecord): number {
  return Number(/@(\d+)$/.exec(record.origin)?.[1]);
}

describe.skipIf(!reachable)('Kafka adapter against a real broker', () => {
  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });
  afterEach(async () => {
    await Promise.allSettled(open.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    if (topics.length > 0) await admin.deleteTopics({ topics: topics.splice(0) }).catch(() => {});
    await admin.disconnect();
  });

  it('round trip: ids, source, offsets and per-source order survive; headers carry the metadata', async () => {
    const target = await topic('roundtrip', 3);
    const p = producer(target);
    const sent = [...records('/var/log/a.log', 40), ...records('/var/log/b.log', 40)];
    await Promise.all([p.publish(sent.slice(0, 50)), p.publish(sent.slice(50))]);

    const got: InboundRecord[] = [];
    const c = consumer(target, { group: uniqueStream('g') });
    void c.run(async (batch) => {
      got.push(...batch.records);
      await batch.ack();
    });
    await waitFor('80 records', () => got.length >= 80);
    expect(got).toHaveLength(80);
    expect(new Set(got.map((r) => r.id))).toEqual(new Set(sent.map((r) => r.id)));
    for (const source of ['/var/log/a.log', '/var/log/b.log']) {
      const mine = got.filter((r) => r.source === source);
      // One source, one partition, in order.
      expect(new Set(mine.map(partitionOf)).size).toBe(1);
      expect(mine.map((r) => r.offset)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    }
    expect(got[0]).toMatchObject({ format: 'sluice', line: expect.stringMatching(/^line \d+ of /) });

    // The raw message as any Kafka tool sees it.
    const raw = kafka.consumer({ groupId: uniqueStream('raw'), maxWaitTimeInMs: 500 });
    await raw.connect();
    await raw.subscribe({ topic: target.stream, fromBeginning: true });
    let first: KafkaJs.KafkaMessage | undefined;
    await raw.run({
      eachMessage: async ({ message }) => {
        first ??= message;
      },
    });
    await waitFor('a raw message', () => first !== undefined);
    await raw.disconnect();
    const m = first as KafkaJs.KafkaMessage;
    expect(m.key?.toString()).toMatch(/^\/var\/log\/[ab]\.log$/);
    expect(m.value?.toString()).toMatch(/^line \d+ of /);
    expect(Object.keys(m.headers ?? {}).sort()).toEqual([
      'x-sluice-id',
      'x-sluice-offset',
      'x-sluice-shipped-at',
      'x-sluice-source',
    ]);

    // Lag is zero once everything is acknowledged (committed, not just fetched).
    await waitFor('lag 0', async () => (await c.lag()).every((s) => s.lag === 0));
    const metrics = await metricsRegistry.getSingleMetricAsString('sluice_broker_published_records_total');
    expect(metrics).toMatch(/backend="kafka"\} \d+/);
  });

  it('a line whose message would pass maxMessageBytes is cut to fit and tagged, not refused with its batch', async () => {
    const target = await topic('too-long', 1);
    const p = producer(target);
    const [long, short] = records('/var/log/long.log', 2);
    const huge = { ...(long as OutboundRecord), line: `${'x'.repeat(2_000_000)}\u{1F600}` };
    await p.publish([huge, short as OutboundRecord]);
    const got: InboundRecord[] = [];
    const c = consumer(target, { group: uniqueStream('g') });
    void c.run(async (batch) => {
      got.push(...batch.records);
      await batch.ack();
    });
    await waitFor('2 records', () => got.length >= 2);
    const cut = got.find((r) => r.id === huge.id) as InboundRecord;
    expect(cut.line.length).toBeLessThan(1_000_000);
    expect(cut.line.length).toBeGreaterThan(900_000);
    expect(cut.line).toBe(huge.line.slice(0, cut.line.length));
    expect(cut.fields?.tags).toContain('sluice.truncated');
    expect(got.find((r) => r.id === short?.id)?.line).toBe(short?.line);
  });

  it('batching: concurrent publishes within the linger share one produce request; big publishes are split by size', async () => {
    const target = await topic('batching', 3, '&lingerMs=50&batchBytes=65536');
    const p = producer(target);
    await p.publish(records('warm', 1)); // connects and creates the topic
    const base = p.stats.requests;
    await Promise.all(Array.from({ length: 20 }, (_, i) => p.publish(records(`b${i}`, 5))));
    expect(p.stats.requests - base).toBe(1);
    // 2000 records of ~150 bytes with headers: ~300 KiB in pieces of at most 64 KiB.
    const big = records('big', 2_000);
    await p.publish(big);
    const requests = p.stats.requests - base - 1;
    expect(requests).toBeGreaterThanOrEqual(4);
    expect(requests).toBeLessThanOrEqual(8);
    expect(p.stats.records).toBe(1 + 100 + 2_000);
  });

  it.each(['gzip', 'lz4', 'zstd'])(
    '%s compression: what the producer compresses, the consumer reads',
    async (compression) => {
      const target = await topic(`compress-${compression}`, 1, `&compression=${compression}`);
      // 10 000 access-log lines (~1.2 MiB: several requests of many LZ4 blocks). On these lines
      // lz4js once produced a block the broker refused, so they stay the test data.
      const sent = records('c', 10_000).map((r, i) => ({
        ...r,
        line: `10.0.${i % 250}.${i % 200} - - [23/Nov/2026:10:${String(i % 60).padStart(2, '0')}:00 +0000] "GET /api/v1/items/${(i * 7919) % 100000} HTTP/1.1" 200 ${1000 + ((i * 31) % 9000)} "-" "Mozilla/5.0 (X11; Linux x86_64)"`,
      }));
      await producer(target).publish(sent);
      const got: InboundRecord[] = [];
      const c = consumer(target, { group: uniqueStream('g') });
      void c.run(async (batch) => {
        got.push(...batch.records);
        await batch.ack();
      });
      await waitFor('10 000 records', () => got.length === 10_000);
      expect(got.map((r) => r.line)).toEqual(sent.map((r) => r.line));
    },
  );

  it('SASL credentials never reach a log line or an error message', async () => {
    const secret = 'Sup3r-Secret-pw';
    const name = uniqueStream('kafka-secret');
    // The stack's listener is PLAINTEXT, so the SASL handshake fails: an error that would print the URL if anything did.
    const target = parseBrokerUrl(
      `kafka://alice:${secret}@${env.kafkaBrokers.join(',')}/${name}?sasl=scram-sha-512`,
    );
    const log = capture();
    const p = new KafkaProducer(target, { logger: log.logger, closeTimeoutMs: 1_000 });
    open.push(p);
    const error = await p.publish(records('s', 1)).then(
      () => undefined,
      (e: unknown) => e as Error & { hint?: string; cause?: unknown },
    );
    expect(error).toBeInstanceOf(Error);
    const c = new KafkaConsumer(target, { logger: log.logger, group: uniqueStream('g') });
    open.push(c);
    const runError = await c
      .run(async () => {})
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    expect(runError).toBeInstanceOf(Error);
    const causes = (e: unknown): string =>
      e instanceof Error ? `${e.message} ${(e as { hint?: string }).hint ?? ''} ${causes(e.cause)}` : '';
    const everything = [...log.lines, causes(error), causes(runError)].join('\n');
    expect(everything).toContain('SASL');
    expect(error?.hint).toMatch(/listener does not accept this SASL mechanism/);
    expect(everything).not.toContain(secret);
  });

  it('parallel batches finishing in random order: no duplicates, no rebalance, everything committed (kafkajs #1764)', async () => {
    const target = await topic('parallel', 3);
    const sent = Array.from({ length: 12 }, (_, s) => records(`par-${s}`, 250)).flat();
    await producer(target).publish(sent);
    const group = uniqueStream('g');
    const log = capture();
    const seen = new Map<string, number>();
    let inFlight = 0;
    let maxInFlight = 0;
    const c = consumer(target, { group, batchSize: 50, maxInFlightBatches: 8, logger: log.logger });
    void c.run(async (batch) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await sleep(Math.random() * 60); // batches of one partition overtake each other
      for (const r of batch.records) seen.set(r.id, (seen.get(r.id) ?? 0) + 1);
      inFlight--;
      await batch.ack();
    });
    await waitFor('all committed', async () => (await c.lag()).every((s) => s.lag === 0));
    expect(seen.size).toBe(3_000);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(8);
    expect(log.lines.filter((l) => l.includes('joined the group'))).toHaveLength(1);
  });

  it('commits only up to the highest contiguous acknowledged offset; lag = high watermark - committed', async () => {
    const target = await topic('contiguous', 1);
    await producer(target).publish(records('one', 40));
    const group = uniqueStream('g');
    const h = holder();
    const c = consumer(target, { group, batchSize: 10, maxInFlightBatches: 4 });
    void c.run(h.handle);
    await waitFor('4 batches in flight', () => h.held.length === 4);
    const [b0, b1, b2, b3] = h.held as [InboundBatch, InboundBatch, InboundBatch, InboundBatch];
    expect(b0.records.map(offsetOf)).toEqual(Array.from({ length: 10 }, (_, i) => i));

    // Out of order: the last three finish first. Nothing may be committed.
    await b3.ack();
    await b1.ack();
    await b2.ack();
    await sleep(300);
    expect((await committed(group, target.stream)).get(0)).toBe(-1);
    expect(await c.lag()).toEqual([{ stream: target.stream, partition: 0, lag: 40 }]);

    // The first finishes: the commit jumps over all four.
    await b0.ack();
    expect((await committed(group, target.stream)).get(0)).toBe(40);
    expect(await c.lag()).toEqual([{ stream: target.stream, partition: 0, lag: 0 }]);
  });

  it('a consumer that closes without acknowledging leaves everything to the next member', async () => {
    const target = await topic('unacked', 3);
    const sent = [...records('s1', 30), ...records('s2', 30), ...records('s3', 30)];
    await producer(target).publish(sent);
    const group = uniqueStream('g');
    const h = holder();
    const a = consumer(target, { group, batchSize: 15, maxInFlightBatches: 2, closeTimeoutMs: 500 });
    void a.run(h.handle);
    await waitFor('a holds 2 batches', () => h.held.length === 2);
    await h.held[0]?.ack(); // one batch acked: exactly those 15 are not redelivered
    const ackedIds = new Set(h.held[0]?.records.map((r) => r.id));
    await a.close();

    const got: InboundRecord[] = [];
    const b = consumer(target, { group });
    void b.run(async (batch) => {
      got.push(...batch.records);
      await batch.ack();
    });
    await waitFor('the other 75', () => got.length >= 75);
    await sleep(500);
    expect(got).toHaveLength(75);
    expect(new Set([...got.map((r) => r.id), ...ackedIds])).toEqual(new Set(sent.map((r) => r.id)));
  });

  it('two consumers in one group share the partitions; nothing is lost or doubled once both ack', async () => {
    const target = await topic('share', 4);
    const group = uniqueStream('g');
    const seen = [new Map<string, number>(), new Map<string, number>()];
    const logs = [capture(), capture()];
    const make = (i: number) => {
      const c = consumer(target, { group, batchSize: 20, logger: logs[i]?.logger });
      void c.run(async (batch) => {
        for (const r of batch.records) seen[i]?.set(r.id, partitionOf(r));
        await batch.ack();
      });
      return c;
    };
    make(0);
    make(1);
    // Publish once both hold partitions (the latest join of each), so the split is visible.
    const lastAssignment = (lines: string[]) => {
      const joins = lines.filter((l) => l.includes('joined the group'));
      const last = joins[joins.length - 1];
      return last === undefined ? [] : ((JSON.parse(last) as { partitions: number[] }).partitions ?? []);
    };
    await waitFor(
      'both members hold partitions',
      () =>
        logs.every((l) => lastAssignment(l.lines).length > 0) &&
        lastAssignment(logs[0]?.lines ?? []).length + lastAssignment(logs[1]?.lines ?? []).length === 4,
    );
    const sent = Array.from({ length: 8 }, (_, s) => records(`src-${s}`, 25)).flat();
    await producer(target).publish(sent);
    await waitFor(
      'all 200',
      () => new Set([...(seen[0]?.keys() ?? []), ...(seen[1]?.keys() ?? [])]).size === 200,
    );
    const p0 = new Set(seen[0]?.values());
    const p1 = new Set(seen[1]?.values());
    expect(p0.size).toBeGreaterThan(0);
    expect(p1.size).toBeGreaterThan(0);
    expect([...p0].filter((p) => p1.has(p))).toEqual([]);
  });

  it('pause stops delivery; resume brings it back', async () => {
    const target = await topic('pause', 1);
    const p = producer(target);
    const got: InboundRecord[] = [];
    const c = consumer(target, { group: uniqueStream('g') });
    void c.run(async (batch) => {
      got.push(...batch.records);
      await batch.ack();
    });
    await p.publish(records('x', 10));
    await waitFor('first 10', () => got.length === 10);
    c.pause();
    await p.publish(records('x', 10, 10));
    await sleep(2_500);
    expect(got).toHaveLength(10);
    c.resume();
    await waitFor('the other 10', () => got.length === 20);
  });

  it('retryLater seeks back: the batch and the ones after it are redelivered', async () => {
    const target = await topic('retry', 1);
    await producer(target).publish(records('r', 30));
    const deliveries: number[][] = [];
    let handedBack = false;
    const before = await kafkaCounters();
    const c = consumer(target, { group: uniqueStream('g'), batchSize: 10, maxInFlightBatches: 1 });
    void c.run(async (batch) => {
      deliveries.push(batch.records.map(offsetOf));
      if (!handedBack && batch.records[0] && offsetOf(batch.records[0]) === 10) {
        handedBack = true;
        await batch.retryLater();
        return;
      }
      await batch.ack();
    });
    await waitFor('30 acknowledged', async () => (await c.lag())[0]?.lag === 0);
    const starts = deliveries.map((d) => d[0]);
    expect(starts).toEqual([0, 10, 10, 20]);
    // Exact counts: 40 deliveries, 10 of them again, 30 acknowledged.
    const after = await kafkaCounters();
    expect(after.consumed - before.consumed).toBe(40);
    expect(after.redelivered - before.redelivered).toBe(10);
    expect(after.acknowledged - before.acknowledged).toBe(30);
  });

  it('malformed payloads go to the dead-letter topic; good ones flow and everything is committed', async () => {
    const target = await topic('dlq', 1);
    const raw = kafka.producer();
    await raw.connect();
    await raw.send({
      topic: target.stream,
      messages: [
        { value: 'good line 1' },
        { value: '{"message": "broken' },
        { value: null },
        { value: 'good line 2' },
      ],
    });
    await raw.disconnect();
    const got: InboundRecord[] = [];
    const group = uniqueStream('g');
    const before = await kafkaCounters();
    const c = consumer(target, { group });
    void c.run(async (batch) => {
      got.push(...batch.records);
      await batch.ack();
    });
    await waitFor('2 good records', () => got.length === 2);
    expect(got.map((r) => [r.line, r.format, r.id])).toEqual([
      ['good line 1', 'raw', `${target.stream}/0@0`],
      ['good line 2', 'raw', `${target.stream}/0@3`],
    ]);
    await waitFor('commit 4', async () => (await committed(group, target.stream)).get(0) === 4);
    const dl = await admin.fetchTopicOffsets(`${target.stream}.dlq`);
    expect(dl.reduce((n, p) => n + Number(p.high), 0)).toBe(2);
    expect((await kafkaCounters()).deadLettered - before.deadLettered).toBe(2);
  });

  it('a long batch keeps the membership: heartbeats continue while the window is full (kafkajs #387)', async () => {
    const target = await topic('heartbeat', 1);
    await producer(target).publish(records('h', 40));
    const group = uniqueStream('g');
    const log = capture();
    const c = consumer(target, { group, batchSize: 10, maxInFlightBatches: 1, logger: log.logger });
    let calls = 0;
    void c.run(async (batch) => {
      calls++;
      // The first batch takes longer than the 6 s session timeout.
      if (calls === 1) await sleep(9_000);
      await batch.ack();
    });
    await waitFor(
      'all 40 committed',
      async () => (await committed(group, target.stream)).get(0) === 40,
      25_000,
    );
    expect(calls).toBe(4);
    expect(log.lines.filter((l) => l.includes('joined the group'))).toHaveLength(1);
  }, 30_000);

  it('control for the test above: plain kafkajs blocking eachBatch as long is fenced out of the group and rejoins (the trap is real here)', async () => {
    const target = await topic('heartbeat-control', 1);
    await producer(target).publish(records('h', 40));
    const raw = kafka.consumer({
      groupId: uniqueStream('g'),
      sessionTimeout: 6_000,
      heartbeatInterval: 500,
      maxBytes: 2_000,
    });
    let joins = 0;
    raw.on(raw.events.GROUP_JOIN, () => joins++);
    let delivered = 0;
    let calls = 0;
    await raw.connect();
    await raw.subscribe({ topic: target.stream, fromBeginning: true });
    await raw.run({
      eachBatch: async ({ batch }) => {
        calls++;
        if (calls === 1) await sleep(9_000); // no heartbeat from in here
        delivered += batch.messages.length;
      },
    });
    try {
      await waitFor('a second join', () => joins >= 2, 25_000);
      await waitFor('40 delivered', () => delivered >= 40);
    } finally {
      await raw.disconnect();
    }
    expect(joins).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it('a rebalance mid-batch: acks of revoked partitions commit nothing; the new owner gets their records (kafkajs #916)', async () => {
    const target = await topic('rebalance', 2);
    // Sources chosen so that both partitions get records.
    const sent = Array.from({ length: 6 }, (_, s) => records(`reb-${s}`, 10)).flat();
    await producer(target).publish(sent);
    const group = uniqueStream('g');
    const a = holder();
    const ca = consumer(target, { group, batchSize: 100, maxInFlightBatches: 2 });
    void ca.run(a.handle);
    await waitFor('a holds both partitions', () => new Set(a.seen.map(partitionOf)).size === 2);

    const b = holder();
    const cb = consumer(target, { group, batchSize: 100, maxInFlightBatches: 2 });
    void cb.run(b.handle);
    await waitFor('b got a partition', () => b.held.length > 0, 25_000);
    const lost = new Set(b.seen.map(partitionOf));
    expect(lost.size).toBe(1);

    // a finishes everything it held, including the partition it lost.
    for (const batch of [...a.held]) await batch.ack();
    await sleep(500);
    const afterA = await committed(group, target.stream);
    for (const p of lost) expect(afterA.get(p)).toBe(-1);
    // b has every record of the partition it took over, from the start.
    const bIds = new Set(b.seen.map((r) => r.id));
    const lostRecords = a.seen.filter((r) => lost.has(partitionOf(r)));
    expect(lostRecords.length).toBeGreaterThan(0);
    for (const r of lostRecords) expect(bIds.has(r.id)).toBe(true);
    for (const batch of [...b.held]) await batch.ack();
    await waitFor('everything committed', async () => (await ca.lag()).every((s) => s.lag === 0));
  }, 40_000);

  it('the broker goes away (connections cut, refused for 10 s): consumption resumes by itself', async () => {
    const target = await topic('outage', 2);
    const p = producer(target);
    const outage = socketSwitch();
    const got = new Set<string>();
    const group = uniqueStream('g');
    const c = consumer(target, { group, batchSize: 20, socketFactory: outage.factory });
    void c.run(async (batch) => {
      for (const r of batch.records) got.add(r.id);
      await batch.ack();
    });
    await p.publish([...records('o1', 25), ...records('o2', 25)]);
    await waitFor('first 50', () => got.size === 50);
    outage.cut(10_000);
    expect(c.connected).toBe(true); // it does not know yet
    await p.publish([...records('o1', 25, 25), ...records('o2', 25, 25)]);
    await sleep(3_000);
    expect(got.size).toBe(50);
    await waitFor('the 50 published during the outage', () => got.size === 100, 25_000);
    await waitFor('all committed', async () => (await c.lag()).every((l) => l.lag === 0));
    expect(outage.refused).toBeGreaterThan(0);
  }, 45_000);
});

/**
 * A kafkajs socket factory that can play a broker outage for one client: every open
 * connection is cut and new ones are refused until the outage ends. The shared broker
 * keeps running for everyone else.
 */
function socketSwitch() {
  const sockets = new Set<Socket>();
  let downUntil = 0;
  const state = { refused: 0 };
  const factory: KafkaJs.ISocketFactory = ({ host, port, onConnect }) => {
    const down = Date.now() < downUntil;
    if (down) state.refused++;
    // Port 1 on loopback refuses: the same error as a broker that is not listening.
    const socket = connect({ host: down ? '127.0.0.1' : host, port: down ? 1 : port }, onConnect);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    return socket;
  };
  return {
    factory,
    get refused() {
      return state.refused;
    },
    cut(ms: number) {
      downUntil = Date.now() + ms;
      // As a dying broker's peer sees it: the connection is reset.
      for (const s of sockets) s.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    },
  };
}
