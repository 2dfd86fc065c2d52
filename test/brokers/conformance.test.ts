import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  type Consumer,
  type ConsumerOptions,
  type InboundBatch,
  loadBrokerClient,
  type Producer,
  parseBrokerUrl,
} from '@sluice/brokers';
import { metricsRegistry } from '@sluice/core';
import { afterAll, afterEach, describe, expect, it as itReal } from 'vitest';
import { type BrokerHarness, type HarnessName, harnessFor, harnessNames } from '../support/broker-harness.js';
import { records } from '../support/brokers.js';
import { waitFor } from '../support/wait.js';

/**
 * One suite, run unchanged against every backend: the delivery promises of
 * packages/brokers/src/types.ts, with exact counts. Each test uses its own stream.
 */
// RabbitMQ twice: classic queues (the default) and quorum queues (?queueType=quorum).
// Every registered backend, and the variants its harness runs (rabbitmq-quorum).
const BACKENDS: HarnessName[] = await harnessNames();

/** The value of a broker counter for one backend (the suite's consumers run in this process). */
async function counterValue(name: string, backend: string): Promise<number> {
  const metric = metricsRegistry.getSingleMetric(name);
  const values = metric ? (await metric.get()).values : [];
  return values.find((v) => v.labels.backend === backend)?.value ?? 0;
}

const open: { consumers: Consumer[]; producers: Producer[]; children: ChildProcess[] } = {
  consumers: [],
  producers: [],
  children: [],
};
afterEach(async () => {
  for (const child of open.children.splice(0)) child.kill('SIGKILL');
  await Promise.allSettled(open.consumers.splice(0).map((c) => c.close()));
  await Promise.allSettled(open.producers.splice(0).map((p) => p.close()));
});

const harnesses = new Map<HarnessName, BrokerHarness>(
  await Promise.all(BACKENDS.map(async (k) => [k, await harnessFor(k)] as const)),
);
afterAll(async () => {
  for (const h of harnesses.values()) await h.close();
});

describe.each(BACKENDS)('broker conformance: %s', (kind) => {
  const harness = harnesses.get(kind) as BrokerHarness;
  // A backend that is not running here is reported as skipped, never as passed.
  if (!harness.ready) itReal.skip(`${kind} is not reachable`, () => {});
  const it = harness.ready ? itReal : itReal.skip;

  const setup = async (prefix: string) => {
    const h = harness;
    const stream = h.stream(prefix);
    const url = h.url(stream);
    const target = parseBrokerUrl(url);
    // Loaded once, so the many `consumer()` calls below build their adapters synchronously.
    const client = await loadBrokerClient(target);
    const producer = client.producer(target, h.producerOptions);
    open.producers.push(producer);
    const consumer = (options: ConsumerOptions = {}) => {
      const c = client.consumer(target, { ...h.consumerOptions(stream), ...options });
      open.consumers.push(c);
      return c;
    };
    return { h, stream, url, target, producer, consumer };
  };

  /** Runs `consumer`, acking every batch, until `count` records have been acknowledged. */
  const drain = async (consumer: Consumer, count: number): Promise<string[]> => {
    const ids: string[] = [];
    const running = consumer.run(async (batch) => {
      ids.push(...batch.records.map((r) => r.id));
      await batch.ack();
    });
    await waitFor(`${count} records`, () => ids.length >= count);
    await consumer.close();
    await running;
    return ids;
  };

  it('delivers every record once, in order, with its id, line and source', async () => {
    const { producer, consumer } = await setup('order');
    const sent = records('/var/log/order.log', 120);
    await producer.publish(sent.slice(0, 60));
    await producer.publish(sent.slice(60));
    const received: { id: string; line: string; source?: string; offset?: number }[] = [];
    const c = consumer({ batchSize: 25 });
    const running = c.run(async (batch) => {
      received.push(...batch.records.map(({ id, line, source, offset }) => ({ id, line, source, offset })));
      await batch.ack();
    });
    await waitFor('120 records', () => received.length >= 120);
    await sleep(200);
    await c.close();
    await running;
    expect(received).toEqual(sent.map(({ id, line, source, offset }) => ({ id, line, source, offset })));
  });

  it('acknowledges only after the handler succeeds: a throwing handler gets the batch again', async () => {
    const { producer, consumer } = await setup('handler-throws');
    const sent = records('/var/log/throws.log', 10);
    await producer.publish(sent);
    let attempts = 0;
    const acked: string[] = [];
    const c = consumer({ batchSize: 10 });
    const running = c.run(async (batch) => {
      attempts++;
      if (attempts === 1) throw new Error('indexing failed');
      acked.push(...batch.records.map((r) => r.id));
      await batch.ack();
    });
    await waitFor('redelivery', () => acked.length >= 10);
    await c.close();
    await running;
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect([...new Set(acked)].sort()).toEqual(sent.map((r) => r.id).sort());
    expect((await consumer().lag()).reduce((n, s) => n + s.lag, 0)).toBe(0);
  });

  it('at-least-once: a consumer killed before acknowledging leaves nothing behind', async () => {
    const { h, url, stream, producer, consumer } = await setup('killed');
    const sent = records('/var/log/killed.log', 40);
    await producer.publish(sent);
    const fixture = fileURLToPath(new URL('./fixtures/crash-consumer.mjs', import.meta.url));
    // Functions and objects (socket factories, loggers) do not cross a process boundary.
    const plain = Object.fromEntries(
      Object.entries(h.consumerOptions(stream)).filter(
        ([, v]) => typeof v !== 'object' && typeof v !== 'function',
      ),
    );
    const child = spawn(process.execPath, [fixture, url, JSON.stringify({ ...plain, batchSize: 15 })], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    open.children.push(child);
    const held = await new Promise<string[]>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (d: Buffer) => {
        out += d;
        const nl = out.indexOf('\n');
        if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as string[]);
      });
      child.once('exit', (code) => reject(new Error(`crash consumer exited with ${code} before receiving`)));
    });
    expect(held.length).toBeGreaterThan(0);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    const ids = await drain(consumer({ batchSize: 15 }), 40);
    expect(new Set(ids)).toEqual(new Set(sent.map((r) => r.id)));
    for (const id of held) expect(ids).toContain(id);
  });

  it('pause stops delivery and resume restarts it', async () => {
    const { producer, consumer } = await setup('pause');
    await producer.publish(records('/var/log/pause.log', 30));
    const c = consumer({ batchSize: 10, maxInFlightBatches: 1 });
    let batches = 0;
    let received = 0;
    const running = c.run(async (batch) => {
      batches++;
      received += batch.records.length;
      if (batches === 1) c.pause();
      await batch.ack();
    });
    await waitFor('first batch', () => batches >= 1);
    await sleep(1_000);
    expect(received).toBe(10);
    c.resume();
    await waitFor('all batches', () => received >= 30);
    await c.close();
    await running;
    expect(received).toBe(30);
  });

  it('reports lag exactly: published and not yet acknowledged', async () => {
    const { producer, consumer } = await setup('lag');
    await producer.publish(records('/var/log/lag.log', 30));
    const c = consumer({ batchSize: 10, maxInFlightBatches: 1 });
    await waitFor('lag 30', async () => (await c.lag()).reduce((n, s) => n + s.lag, 0) === 30);
    let held: InboundBatch | undefined;
    let release: (() => void) | undefined;
    const running = c.run(async (batch) => {
      if (held === undefined) {
        held = batch;
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      }
      await batch.ack();
    });
    await waitFor('a batch in the handler', () => release !== undefined);
    // Received but not acknowledged still counts.
    expect((await c.lag()).reduce((n, s) => n + s.lag, 0)).toBe(30);
    release?.();
    await waitFor('lag 0', async () => (await c.lag()).reduce((n, s) => n + s.lag, 0) === 0);
    await c.close();
    await running;
  });

  it('close drains in-flight batches before resolving', async () => {
    const { producer, consumer } = await setup('drain');
    await producer.publish(records('/var/log/drain.log', 20));
    const c = consumer({ batchSize: 10, maxInFlightBatches: 2 });
    let started = 0;
    let acked = 0;
    const running = c.run(async (batch) => {
      started++;
      await sleep(400);
      await batch.ack();
      acked += batch.records.length;
    });
    await waitFor('a batch in flight', () => started >= 1);
    await c.close();
    await running;
    expect(acked).toBe(started * 10);
    const lag = await consumer().lag();
    expect(lag.reduce((n, s) => n + s.lag, 0)).toBe(20 - acked);
  });

  it('routes malformed payloads to the dead letter and keeps consuming', async () => {
    const { h, stream, producer, consumer } = await setup('poison');
    const deadLettered = () => counterValue('sluice_broker_dead_lettered_records_total', h.kind);
    const before = await deadLettered();
    const good = records('/var/log/poison.log', 4);
    await producer.publish(good.slice(0, 2));
    await h.publishRaw(stream, ['{"message": "cut short', '{"sluice":{"id":"x"}}']);
    await producer.publish(good.slice(2));
    const ids = await drain(consumer({ batchSize: 10 }), 4);
    expect(ids.sort()).toEqual(good.map((r) => r.id).sort());
    await waitFor('2 dead letters', async () => (await h.deadLetterCount(stream)) === 2);
    // ... and counted, under the backend's label.
    expect((await deadLettered()) - before).toBe(2);
  });

  it('reconnects after the connection drops and loses nothing', async () => {
    const { h, stream, producer, consumer } = await setup('reconnect');
    const sent = records('/var/log/reconnect.log', 40);
    await producer.publish(sent.slice(0, 20));
    const ids: string[] = [];
    const c = consumer({ batchSize: 10, consumerId: `${stream}-c` });
    const running = c.run(async (batch) => {
      ids.push(...batch.records.map((r) => r.id));
      await batch.ack();
    });
    await waitFor('first 20', () => ids.length >= 20);
    const reconnectsBefore = await counterValue('sluice_broker_reconnects_total', h.kind);
    await h.dropConnections(stream, `${stream}-c`);
    await producer.publish(sent.slice(20));
    await waitFor('all 40 after the reconnect', () => new Set(ids).size >= 40, 30_000);
    await waitFor('connected', () => c.connected);
    await c.close();
    await running;
    expect(new Set(ids)).toEqual(new Set(sent.map((r) => r.id)));
    if (h.countsReconnects) {
      expect(await counterValue('sluice_broker_reconnects_total', h.kind)).toBeGreaterThan(reconnectsBefore);
    }
  });
});

if (!existsSync(fileURLToPath(new URL('../../packages/brokers/dist/index.js', import.meta.url)))) {
  throw new Error(
    'build first (pnpm exec tsc -b packages/brokers): the crash test runs a consumer process from dist/',
  );
}
