import { type InboundBatch, parseBrokerUrl } from '@sluice/brokers';
import { RabbitMqConsumer, RabbitMqProducer } from '@sluice/brokers/rabbitmq';
import { metricsRegistry, type OutboundRecord, recordId } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { waitFor } from '../support/wait.js';
import { PrivateRabbitMq } from './private-rabbitmq.js';

/**
 * What RabbitMQ lag means with several consumers. AMQP reports a queue's ready messages
 * only; the unacknowledged ones are known to the consumer holding them, or to the
 * management HTTP API. The shared node has no management plugin (and must keep it that
 * way), so the exact path runs against a private node with the plugin enabled.
 */
const PUBLISHED = 100;
const BATCH = 10;
let node: PrivateRabbitMq | undefined;
let unavailable = PrivateRabbitMq.unavailable();

beforeAll(async () => {
  if (unavailable) return;
  try {
    node = await PrivateRabbitMq.start({ management: true });
  } catch (error) {
    unavailable = `private RabbitMQ node did not start: ${(error as Error).message.split('\n')[0]}`;
  }
}, 150_000);

afterAll(async () => {
  await node?.destroy();
}, 150_000);

function records(n: number): OutboundRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    id: recordId('/lag', i),
    line: `line ${i}`,
    source: '/lag',
    offset: i,
    shippedAt: Date.now(),
  }));
}

/** A consumer whose handler holds every batch it receives unacknowledged until released. */
function holdingConsumer(url: string, id: string) {
  const consumer = new RabbitMqConsumer(parseBrokerUrl(url), {
    consumerId: id,
    batchSize: BATCH,
    // prefetch = batchSize × maxInFlightBatches: each consumer holds at most 20 messages.
    maxInFlightBatches: 2,
    lingerMs: 10,
  });
  const held: InboundBatch[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const running = consumer.run(async (batch) => {
    held.push(batch);
    await released;
    await batch.ack();
  });
  return {
    consumer,
    held: () => held.reduce((n, b) => n + b.records.length, 0),
    async stop() {
      // Closing first stops deliveries (and hands back buffered ones) before the held batches are acked.
      const closing = consumer.close();
      release();
      await closing;
      await running;
    },
  };
}

/** Publishes PUBLISHED records, then starts two consumers and waits until each holds a full window (2 batches). */
async function twoFullWindows(url: string, name: string) {
  const producer = new RabbitMqProducer(parseBrokerUrl(url));
  await producer.publish(records(PUBLISHED));
  await producer.close();
  const a = holdingConsumer(url, `${name}-a`);
  const b = holdingConsumer(url, `${name}-b`);
  await waitFor(
    'both consumers to fill their window',
    () => a.held() === 2 * BATCH && b.held() === 2 * BATCH,
  );
  return {
    a,
    b,
    async stop() {
      await a.stop();
      await b.stop();
    },
  };
}

/** The queue's ready count as exported for the exact lag sum (sluice_broker_ready_records). */
async function readyGauge(queue: string): Promise<number | undefined> {
  const metric = await metricsRegistry.getSingleMetric('sluice_broker_ready_records')?.get();
  return metric?.values.find((v) => v.labels.stream === queue)?.value;
}

describe('RabbitMQ lag with several consumers', () => {
  it('without the management API: ready + own unacked each, and the note says what is missing', async (ctx) => {
    if (!node) return ctx.skip();
    const queue = `lag-amqp-${process.pid}`;
    const url = node.url(queue);
    const { a, b, stop } = await twoFullWindows(url, 'lag-amqp');
    try {
      const ready = PUBLISHED - 4 * BATCH;
      const [sampleA] = await a.consumer.lag();
      const [sampleB] = await b.consumer.lag();
      expect(sampleA?.lag).toBe(ready + 2 * BATCH);
      expect(sampleB?.lag).toBe(ready + 2 * BATCH);
      expect(sampleA?.note).toContain(`ready ${ready} + ${2 * BATCH} unacknowledged by this process`);
      expect(sampleA?.note).toContain('1 other consumer(s) subscribed now');
      expect(sampleA?.note).toContain('?managementUrl=');
      expect(await node.queueMessages(queue)).toEqual({ ready, unacked: 4 * BATCH });
      // What Prometheus adds up: the ready count once, plus each consumer's own unacked.
      expect(await readyGauge(queue)).toBe(ready);

      // `sluice lag` holds nothing: it prints the ready count, and says so on stderr.
      const cli = await runCli(['lag', '--from', url]);
      expect(cli.code, cli.stderr).toBe(0);
      expect(cli.stdout).toBe(`${queue}\t${ready}\n`);
      expect(cli.stderr).toContain(`ready ${ready} + 0 unacknowledged by this process`);
      expect(cli.stderr).toContain('2 other consumer(s) subscribed now');
      const json = await runCli(['lag', '--from', url, '--json']);
      expect(json.code, json.stderr).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({ backend: 'rabbitmq', stream: queue, lag: ready });
    } finally {
      await stop();
    }
    // Closed consumers acked what they held and handed back nothing else: ready is all that is left.
    const reader = new RabbitMqConsumer(parseBrokerUrl(url));
    const [after] = await reader.lag();
    await reader.close();
    expect(after?.lag).toBe(PUBLISHED - 4 * BATCH);
  }, 60_000);

  it('with ?managementUrl=: ready + unacked of all consumers, from the HTTP API', async (ctx) => {
    if (!node) return ctx.skip();
    const rabbit = node;
    const queue = `lag-http-${process.pid}`;
    const url = rabbit.url(queue, `managementUrl=${rabbit.managementUrl}`);
    const { a, b, stop } = await twoFullWindows(url, 'lag-http');
    try {
      expect(await rabbit.queueMessages(queue)).toEqual({ ready: PUBLISHED - 4 * BATCH, unacked: 4 * BATCH });
      // The API's counters trail the queue by up to collect_statistics_interval (500 ms here).
      let seen: number | undefined;
      await waitFor(
        'the management API to count every message',
        async () => {
          seen = (await a.consumer.lag())[0]?.lag;
          return seen === PUBLISHED;
        },
        20_000,
        100, // an HTTP request each time: no need to ask faster than the API counts
      );
      const [sample] = await b.consumer.lag();
      expect(sample).toEqual({ stream: queue, lag: PUBLISHED });
      expect(await readyGauge(queue)).toBe(PUBLISHED - 4 * BATCH);
      const cli = await runCli(['lag', '--from', url]);
      expect(cli.code, cli.stderr).toBe(0);
      expect(cli.stdout).toBe(`${queue}\t${PUBLISHED}\n`);
      expect(cli.stderr).not.toContain('not visible');
    } finally {
      await stop();
    }
  }, 60_000);

  it('a wrong management password is refused without retrying and without printing it', async (ctx) => {
    if (!node) return ctx.skip();
    const management = `http://guest:not-the-password@127.0.0.1:${node.managementPort}`;
    const consumer = new RabbitMqConsumer(
      parseBrokerUrl(node.url(`lag-denied-${process.pid}`, `managementUrl=${management}`)),
    );
    const error = await consumer.lag().then(
      () => undefined,
      (e: unknown) => e as Error & { retriable?: boolean; hint?: string },
    );
    expect(error?.message).toBe(
      `RabbitMQ management API at http://127.0.0.1:${node.managementPort} refused the lag request (HTTP 401)`,
    );
    expect(error?.retriable).toBe(false);
    expect(error?.hint).toContain('monitoring');
    expect(`${error?.message} ${error?.hint}`).not.toContain('not-the-password');
  });

  it('a managementUrl that is not http(s) is a configuration error before anything connects', () => {
    const target = parseBrokerUrl('amqp://guest:guest@127.0.0.1:1/q?managementUrl=ftp://u:secret@h');
    expect(() => new RabbitMqConsumer(target)).toThrow(
      'broker option managementUrl must be an http:// or https:// URL, got "ftp://u:***@h"',
    );
  });
});
