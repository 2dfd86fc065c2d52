import { createRequire } from 'node:module';
import { createProducer, parseBrokerUrl } from '@sluice/brokers';
import { RedisConsumer } from '@sluice/brokers/redis';
import { recordId } from '@sluice/core';
import type { Redis as RedisClient } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { brokerEnv, consumeAll, records, streamUrl, uniqueStream } from '../support/brokers.js';

/**
 * Redis-specific behaviour beyond the conformance suite: lists written by Filebeat's and
 * Logstash's Redis outputs, the producer's Filebeat form, and lag across consumers.
 */
const requireFromBrokers = createRequire(new URL('../../packages/brokers/package.json', import.meta.url));
const { Redis } = requireFromBrokers('ioredis') as { Redis: new (url: string) => RedisClient };
const env = await brokerEnv();
const admin = new Redis(env.redisUrl);
const lists: string[] = [];
afterAll(async () => {
  for (const l of lists) {
    const keys = await admin.keys(`${l}*`);
    if (keys.length > 0) await admin.del(...keys);
  }
  await admin.quit();
});

function list(prefix: string): string {
  const l = uniqueStream(`redis-${prefix}`);
  lists.push(l);
  return l;
}

const consumeFrom = (url: string, count: number) =>
  consumeAll(new RedisConsumer(parseBrokerUrl(url), { batchSize: 100, blockMs: 50 }), count);

describe('Redis lists', () => {
  it('reads events RPUSHed by Filebeat and Logstash next to Sluice envelopes', async () => {
    const l = list('interop');
    const filebeat = {
      '@timestamp': '2026-01-02T03:04:05.678Z',
      '@metadata': { beat: 'filebeat', type: '_doc', version: '8.19.0' },
      log: { offset: 1234, file: { path: '/var/log/nginx/access.log' } },
      message: '10.0.0.1 - - [02/Jan/2026:03:04:05 +0000] "GET / HTTP/1.1" 200 612',
      input: { type: 'filestream' },
      host: { name: 'web-1' },
      agent: { type: 'filebeat', version: '8.19.0', name: 'web-1' },
      ecs: { version: '8.0.0' },
    };
    const logstash = {
      '@timestamp': '2026-01-02T03:04:06.000Z',
      '@version': '1',
      host: 'app-2',
      path: '/var/log/app.log',
      message: 'boot ok',
    };
    await admin.rpush(l, JSON.stringify(filebeat), JSON.stringify(logstash), 'a plain line');
    const producer = await createProducer(parseBrokerUrl(streamUrl(env.redisUrl, l)));
    await producer.publish([{ id: recordId('/s', 0), line: 'ours', source: '/s', offset: 0, shippedAt: 1 }]);
    await producer.close();

    const got = await consumeFrom(streamUrl(env.redisUrl, l), 4);
    expect(got.map((r) => [r.format, r.line, r.source])).toEqual([
      ['beats', filebeat.message, '/var/log/nginx/access.log'],
      ['logstash', 'boot ok', '/var/log/app.log'],
      ['raw', 'a plain line', undefined],
      ['sluice', 'ours', '/s'],
    ]);
    expect(got[0]?.offset).toBe(1234);
    expect(got[0]?.fields).toMatchObject({ host: { name: 'web-1' }, agent: { type: 'filebeat' } });
    expect(got[3]?.id).toBe(recordId('/s', 0));
    // Redelivery of the same foreign payload gets the same id.
    const again = await (async () => {
      await admin.rpush(l, JSON.stringify(filebeat));
      return consumeFrom(streamUrl(env.redisUrl, l), 1);
    })();
    expect(again[0]?.id).toBe(got[0]?.id);
  });

  it('writes Filebeat-form events with ?format=beats that Logstash would read, id in @metadata._id', async () => {
    const l = list('beats');
    const producer = await createProducer(parseBrokerUrl(streamUrl(env.redisUrl, l, { format: 'beats' })));
    await producer.publish([
      {
        id: 'id-1',
        line: 'hello',
        source: '/var/log/x.log',
        offset: 10,
        shippedAt: Date.UTC(2026, 0, 1),
        fields: { 'host.name': 'h' },
      },
    ]);
    await producer.close();
    const [raw] = await admin.lrange(l, 0, -1);
    const event = JSON.parse(raw as string);
    expect(event).toEqual({
      '@timestamp': '2026-01-01T00:00:00.000Z',
      message: 'hello',
      host: { name: 'h' },
      log: { file: { path: '/var/log/x.log' }, offset: 10 },
      '@metadata': { beat: 'sluice', type: '_doc', _id: 'id-1' },
      agent: { type: 'sluice' },
      input: { type: 'log' },
      ecs: { version: '8.0.0' },
    });
    const [record] = await consumeFrom(streamUrl(env.redisUrl, l), 1);
    expect(record).toMatchObject({
      id: 'id-1',
      line: 'hello',
      format: 'beats',
      source: '/var/log/x.log',
      offset: 10,
    });
  });

  it('counts records held by every consumer in the lag', async () => {
    const l = list('lag');
    const url = streamUrl(env.redisUrl, l, { blockMs: 50 });
    const producer = await createProducer(parseBrokerUrl(url));
    await producer.publish(
      Array.from({ length: 25 }, (_, i) => ({
        id: `r${i}`,
        line: `l${i}`,
        source: '/s',
        offset: i,
        shippedAt: 1,
      })),
    );
    await producer.close();
    const holders = [0, 1].map(
      (i) =>
        new RedisConsumer(parseBrokerUrl(url), {
          batchSize: 10,
          maxInFlightBatches: 1,
          consumerId: `${l}-${i}`,
        }),
    );
    let held = 0;
    const releases: (() => void)[] = [];
    const runs = holders.map((c) =>
      c.run(async (batch) => {
        held += batch.records.length;
        await new Promise<void>((resolve) => releases.push(resolve));
        await batch.ack();
      }),
    );
    while (held < 20) await new Promise((r) => setTimeout(r, 20));
    expect(await admin.llen(l)).toBe(5);
    expect((await holders[0]?.lag())?.[0]?.lag).toBe(25);
    for (const release of releases.splice(0)) release();
    // Their next batches (5 records left) are held too; then close both.
    while (held < 25) await new Promise((r) => setTimeout(r, 20));
    expect((await holders[1]?.lag())?.[0]?.lag).toBe(5);
    for (const release of releases.splice(0)) release();
    await Promise.all(holders.map((c) => c.close()));
    await Promise.all(runs);
    expect((await new RedisConsumer(parseBrokerUrl(url)).lag())[0]?.lag).toBe(0);
  });

  it('returns batches a dead consumer left: its own id at start-up, another id through the reclaimer', async () => {
    const l = list('leftovers');
    const url = streamUrl(env.redisUrl, l, { blockMs: 50, heartbeatMs: 600, reclaimIntervalMs: 100 });
    const envelope = (i: number) =>
      JSON.stringify({
        message: `left ${i}`,
        log: { file: { path: '/s' }, offset: i },
        sluice: { id: `left-${i}` },
      });
    // What a SIGKILLed consumer leaves: registered batch lists, no heartbeat key.
    for (const [id, seqs] of [
      ['same', [0, 1]],
      ['other', [0]],
    ] as const) {
      for (const seq of seqs) {
        const key = `${l}:sluice:processing:${id}:${seq}`;
        await admin.sadd(`${l}:sluice:batches:${id}`, key);
        await admin.rpush(
          key,
          envelope(seq * 10 + (id === 'same' ? 0 : 100)),
          envelope(seq * 10 + 1 + (id === 'same' ? 0 : 100)),
        );
      }
      await admin.sadd(`${l}:sluice:consumers`, id);
    }
    const consumer = new RedisConsumer(parseBrokerUrl(url), { consumerId: 'same', batchSize: 100 });
    expect((await consumer.lag())[0]?.lag).toBe(6);
    const got: string[] = [];
    const running = consumer.run(async (batch) => {
      got.push(...batch.records.map((r) => r.id));
      await batch.ack();
    });
    const deadline = Date.now() + 10_000;
    while (got.length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await consumer.close();
    await running;
    // Own leftovers first, oldest batch first; then the other consumer's, reclaimed.
    expect(got).toEqual(['left-0', 'left-1', 'left-10', 'left-11', 'left-100', 'left-101']);
    expect(await admin.smembers(`${l}:sluice:consumers`)).toEqual([]);
    expect(await admin.keys(`${l}:sluice:processing:*`)).toEqual([]);
  });

  it('runs its scripts by digest and survives a script cache flushed between calls (a restarted Redis), raw batches too', async () => {
    const stat = async (line: RegExp) => Number((await admin.info('all')).match(line)?.[1] ?? 0);
    const noscript = () => stat(/errorstat_NOSCRIPT:count=(\d+)/);
    const evalsha = () => stat(/cmdstat_evalsha:calls=(\d+)/);
    for (const rawPayloads of [false, true]) {
      const l = list(rawPayloads ? 'noscript-raw' : 'noscript');
      const url = streamUrl(env.redisUrl, l, { blockMs: 50 });
      const producer = await createProducer(parseBrokerUrl(url));
      await producer.publish(records('/s', 95));
      await producer.close();
      const [noscriptBefore, evalshaBefore] = [await noscript(), await evalsha()];
      const consumer = new RedisConsumer(parseBrokerUrl(url), {
        batchSize: 10,
        maxInFlightBatches: 1,
        rawPayloads,
      });
      const got: string[] = [];
      let flushes = 0;
      const running = consumer.run(async (batch) => {
        got.push(...batch.records.map((r) => r.id));
        // What a Redis restart does to the script cache, between the take and the ack and
        // before the next take: the next EVALSHA is answered NOSCRIPT and must be re-sent.
        await admin.script('FLUSH');
        flushes++;
        await batch.ack();
      });
      const deadline = Date.now() + 15_000;
      while (got.length < 95 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await consumer.close();
      await running;
      // Each record exactly once, all acknowledged (the list and its batch lists empty).
      expect(got).toEqual(records('/s', 95).map((r) => r.id));
      expect(await admin.llen(l)).toBe(0);
      expect(await admin.keys(`${l}:sluice:processing:*`)).toEqual([]);
      // Calls went by digest, and the flushes were met with NOSCRIPT (other clients of this
      // Redis only add to both counts).
      expect(flushes).toBeGreaterThanOrEqual(10);
      expect((await evalsha()) - evalshaBefore).toBeGreaterThanOrEqual(flushes);
      expect((await noscript()) - noscriptBefore).toBeGreaterThanOrEqual(flushes);
    }
  });

  it('works with the least-privilege ACL users the README documents', async () => {
    const l = list('acl');
    const suffix = l.slice(-6);
    const users = { consumer: `sluice-consumer-${suffix}`, producer: `sluice-producer-${suffix}` };
    // Kept in step with "Security" in packages/brokers/README.md.
    await admin.call(
      'ACL',
      'SETUSER',
      users.consumer,
      'on',
      '>c-pass',
      `~${l}*`,
      '+@list',
      '+@scripting',
      '+@transaction',
      '+set',
      '+sadd',
      '+srem',
      '+smembers',
      '+del',
      '+exists',
      '+client|setname',
      '+info',
      '+ping',
    );
    await admin.call(
      'ACL',
      'SETUSER',
      users.producer,
      'on',
      '>p-pass',
      `~${l}`,
      '+rpush',
      '+client|setname',
      '+info',
      '+ping',
    );
    try {
      const base = env.redisUrl.replace(/^redis:\/\/(?:[^@/]*@)?/, '').replace(/\/\d*$/, '');
      const producer = await createProducer(parseBrokerUrl(`redis://${users.producer}:p-pass@${base}/${l}`));
      await producer.publish(
        Array.from({ length: 5 }, (_, i) => ({
          id: `a${i}`,
          line: `l${i}`,
          source: '/s',
          offset: i,
          shippedAt: 1,
        })),
      );
      await admin.rpush(l, '{"broken');
      await producer.close();
      const got = await consumeFrom(`redis://${users.consumer}:c-pass@${base}/${l}?blockMs=50`, 5);
      expect(got.map((r) => r.id)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
      expect(await admin.llen(`${l}.dlq`)).toBe(1);
    } finally {
      await admin.call('ACL', 'DELUSER', users.consumer, users.producer);
    }
  });
});
