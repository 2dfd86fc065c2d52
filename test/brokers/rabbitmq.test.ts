import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { createProducer, parseBrokerUrl } from '@sluice/brokers';
import { RabbitMqConsumer, RabbitMqProducer } from '@sluice/brokers/rabbitmq';
import { recordId } from '@sluice/core';
import type * as Amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { brokerEnv, consumeAll, streamUrl, uniqueStream } from '../support/brokers.js';

/** RabbitMQ-specific behaviour beyond the conformance suite. */
const requireFromBrokers = createRequire(new URL('../../packages/brokers/package.json', import.meta.url));
const amqp = requireFromBrokers('amqplib') as typeof Amqp;
const exec = promisify(execFile);
const env = await brokerEnv();
const model = await amqp.connect(env.amqpUrl);
const queues: string[] = [];
afterAll(async () => {
  const ch = await model.createChannel();
  for (const q of queues) {
    await ch.deleteQueue(q).catch(() => {});
    await ch.deleteQueue(`${q}.dlq`).catch(() => {});
    await ch.deleteExchange(`${q}.dlx`).catch(() => {});
  }
  await model.close();
});

function queue(prefix: string): string {
  const q = uniqueStream(`rabbitmq-${prefix}`);
  queues.push(q);
  return q;
}

const consumeFrom = (url: string, count: number, rawPayloads = false) =>
  consumeAll(new RabbitMqConsumer(parseBrokerUrl(url), { batchSize: 50, lingerMs: 10, rawPayloads }), count);

describe('RabbitMQ', () => {
  it('publishes persistent messages with the id, coordinates and a durable queue with a dead-letter exchange', async () => {
    const q = queue('props');
    const producer = await createProducer(parseBrokerUrl(streamUrl(env.amqpUrl, q)));
    await producer.publish([
      {
        id: recordId('/a', 7),
        line: 'a line',
        source: '/a',
        offset: 7,
        shippedAt: 1_767_225_600_000,
        fields: { tags: ['x'] },
      },
    ]);
    await producer.close();
    const ch = await model.createChannel();
    const msg = await ch.get(q, { noAck: true });
    await ch.close();
    expect(msg).not.toBe(false);
    if (msg === false) return;
    expect(msg.content.toString()).toBe('a line');
    expect(msg.properties).toMatchObject({
      deliveryMode: 2,
      messageId: recordId('/a', 7),
      timestamp: 1_767_225_600,
      headers: {
        'x-sluice-source': '/a',
        'x-sluice-offset': 7,
        'x-sluice-shipped-at': 1_767_225_600_000,
        'x-sluice-fields': '{"tags":["x"]}',
      },
    });
  });

  it('works with a quorum queue (?queueType=quorum) and refuses to redeclare it as classic, with a hint', async () => {
    const q = queue('quorum');
    const url = streamUrl(env.amqpUrl, q, { queueType: 'quorum' });
    const producer = await createProducer(parseBrokerUrl(url));
    await producer.publish(
      Array.from({ length: 30 }, (_, i) => ({
        id: `q${i}`,
        line: `l${i}`,
        source: '/q',
        offset: i,
        shippedAt: 1,
      })),
    );
    await producer.close();
    const got = await consumeFrom(url, 30);
    expect(got.map((r) => r.id)).toEqual(Array.from({ length: 30 }, (_, i) => `q${i}`));

    const classic = new RabbitMqConsumer(parseBrokerUrl(streamUrl(env.amqpUrl, q)));
    const error = await classic.run(async () => {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ retriable: false });
    expect((error as Error).message).toContain('inequivalent arg');
    expect((error as { hint?: string }).hint).toContain('?queueType=');
    await classic.close();
  });

  it("reads JSON events as Logstash's rabbitmq output publishes them", async () => {
    const q = queue('logstash');
    const url = streamUrl(env.amqpUrl, q);
    const producer = await createProducer(parseBrokerUrl(url)); // declares the topology
    await producer.publish([]);
    await producer.close();
    const ch = await model.createChannel();
    await new RabbitMqConsumer(parseBrokerUrl(url)).lag(); // declares too
    const event = {
      '@timestamp': '2026-01-01T00:00:00.000Z',
      '@version': '1',
      host: { name: 'h' },
      message: 'from logstash',
    };
    ch.publish('sluice', q, Buffer.from(JSON.stringify(event)), {
      contentType: 'application/json',
      persistent: true,
    });
    await ch.close();
    const [record] = await consumeFrom(url, 1);
    expect(record).toMatchObject({
      format: 'logstash',
      line: 'from logstash',
      fields: { host: { name: 'h' } },
    });
  });

  it.each([
    ['decoded here', false],
    ['raw, poison dead-lettered at the acknowledgement', true],
  ])(
    'batches records into messages with ?linesPerMessage=N and reads them back in order; a bad line is dead-lettered alone (%s)',
    async (_mode, raw) => {
      const q = queue('batched');
      const url = streamUrl(env.amqpUrl, q, { linesPerMessage: 100 });
      const producer = await createProducer(parseBrokerUrl(url));
      const records = Array.from({ length: 250 }, (_, i) => ({
        id: `b${i}`,
        line: `line ${i}\nsecond line`,
        source: '/b',
        offset: i,
        shippedAt: 1,
      }));
      await producer.publish(records);
      await producer.close();
      const ch = await model.createChannel();
      expect((await ch.checkQueue(q)).messageCount).toBe(3);
      const good = JSON.stringify({
        message: 'good',
        log: { file: { path: '/b' } },
        sluice: { id: 'b-good' },
      });
      ch.publish('sluice', q, Buffer.from(`${good}\n{"message": "cut`), {
        contentType: 'application/x-ndjson',
        headers: { 'x-sluice-records': 2 },
      });
      // A whole message that is poison: rejected to the dead-letter queue.
      ch.publish('sluice', q, Buffer.from('{"message": "cut'), { contentType: 'application/json' });
      await ch.close();
      const got = await consumeFrom(url, 251, raw);
      expect(got.map((r) => r.id)).toEqual([...records.map((r) => r.id), 'b-good']);
      expect(got[0]?.line).toBe('line 0\nsecond line');
      const check = await model.createChannel();
      const deadline = Date.now() + 5_000;
      while ((await check.checkQueue(`${q}.dlq`)).messageCount < 2 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect((await check.checkQueue(`${q}.dlq`)).messageCount).toBe(2);
      expect((await check.checkQueue(q)).messageCount).toBe(0);
      await check.close();
    },
  );

  it('a producer whose connection was closed by the broker reconnects on the next publish', async () => {
    const q = queue('producer-reconnect');
    const url = streamUrl(env.amqpUrl, q);
    const producer = new RabbitMqProducer(parseBrokerUrl(url));
    await producer.publish([{ id: 'p0', line: 'before', source: '/p', shippedAt: 1 }]);
    const { stdout } = await exec('rabbitmqctl', [
      'list_connections',
      'pid',
      'client_properties',
      '--no-table-headers',
      '-q',
    ]);
    const pid = stdout
      .split('\n')
      .find((l) => l.includes(producer.connectionName))
      ?.split('\t')[0];
    expect(pid).toBeDefined();
    await exec('rabbitmqctl', ['close_connection', pid as string, 'test', '-q']);
    await new Promise((r) => setTimeout(r, 300));
    // The broker's close reached the producer: the next publish opens a new connection.
    await producer.publish([{ id: 'p1', line: 'after', source: '/p', shippedAt: 1 }]);
    await producer.close();
    const got = await consumeFrom(url, 2);
    expect(got.map((r) => r.id)).toEqual(['p0', 'p1']);
  });
});
