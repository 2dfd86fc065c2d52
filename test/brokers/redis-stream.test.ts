import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { createProducer, parseBrokerUrl } from '@sluice/brokers';
import { RedisStreamConsumer } from '@sluice/brokers/redis-stream';
import { type OutboundRecord, recordId } from '@sluice/core';
import type { Redis as RedisClient } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { brokerEnv, streamUrl, uniqueStream } from '../support/brokers.js';

/**
 * Redis Streams behaviour beyond the conformance suite: the delivery limit, lag from
 * XINFO GROUPS, trimming what every group acknowledged, MAXLEN, and entries other programs
 * XADD with a `message` field.
 */
const requireFromBrokers = createRequire(new URL('../../packages/brokers/package.json', import.meta.url));
const { Redis } = requireFromBrokers('ioredis') as { Redis: new (url: string) => RedisClient };
const env = await brokerEnv();
const admin = new Redis(env.redisUrl);
const keys: string[] = [];
afterAll(async () => {
  for (const k of keys) {
    const found = await admin.keys(`${k}*`);
    if (found.length > 0) await admin.del(...found);
  }
  await admin.quit();
});

function stream(prefix: string): string {
  const s = uniqueStream(`stream-${prefix}`);
  keys.push(s);
  return s;
}

function url(s: string, query: Record<string, string | number> = {}): string {
  return streamUrl(env.redisUrl, s, { type: 'stream', claimIdleMs: 300, blockMs: 100, ...query });
}

function records(source: string, count: number): OutboundRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    id: recordId(source, i),
    line: `line ${i}`,
    source,
    offset: i,
    shippedAt: Date.now(),
  }));
}

async function publish(u: string, batch: OutboundRecord[]): Promise<void> {
  const producer = await createProducer(parseBrokerUrl(u));
  await producer.publish(batch);
  await producer.close();
}

describe('Redis Streams', () => {
  it('dead-letters a record after maxDeliveries instead of delivering it forever', async () => {
    const s = stream('limit');
    await publish(url(s), records('/var/log/limit.log', 1));
    const consumer = new RedisStreamConsumer(parseBrokerUrl(url(s, { maxDeliveries: 3 })));
    let deliveries = 0;
    const running = consumer.run(async () => {
      deliveries++;
      throw new Error('this record kills its handler');
    });
    const deadline = Date.now() + 15_000;
    while ((await admin.xlen(`${s}.dlq`)) === 0 && Date.now() < deadline) await sleep(50);
    await consumer.close();
    await running;
    // Delivered three times (a read and two claims); the third claim dead-letters it.
    expect(deliveries).toBe(3);
    const [[, fields]] = (await admin.xrange(`${s}.dlq`, '-', '+')) as [[string, string[]]];
    expect(fields[fields.indexOf('reason') + 1]).toMatch(/delivered 3 times without being acknowledged/);
    expect(JSON.parse(fields[fields.indexOf('data') + 1] as string)).toMatchObject({ message: 'line 0' });
    // Acknowledged with its move to the dead letters: nothing pending, nothing unread.
    const lagAfter = new RedisStreamConsumer(parseBrokerUrl(url(s)));
    expect((await lagAfter.lag())[0]?.lag).toBe(0);
    await lagAfter.close();
  });

  it('lag counts entries not yet read plus read and unacknowledged, from XINFO GROUPS', async () => {
    const s = stream('lag');
    await publish(url(s), records('/var/log/lag.log', 25));
    const consumer = new RedisStreamConsumer(parseBrokerUrl(url(s)), {
      batchSize: 10,
      maxInFlightBatches: 1,
    });
    // Before any consumer read: the group does not exist yet and every entry counts.
    expect((await consumer.lag())[0]).toMatchObject({ lag: 25 });
    let release: (() => void) | undefined;
    let acked = 0;
    const running = consumer.run(async (batch) => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      await batch.ack();
      acked += batch.records.length;
    });
    while (release === undefined) await sleep(10);
    // 10 delivered and pending, 15 not delivered.
    expect((await consumer.lag())[0]?.lag).toBe(25);
    release();
    while (acked < 25) {
      release?.();
      await sleep(20);
    }
    expect((await consumer.lag())[0]?.lag).toBe(0);
    await consumer.close();
    await running;
  });

  it('trims what every group acknowledged, and keeps what another group has not read', async () => {
    const s = stream('trim');
    await publish(url(s), records('/var/log/trim.log', 300));
    // A second group that reads nothing: its unread entries must survive the trim.
    await admin.xgroup('CREATE', s, 'audit', '0');
    const consume = async (group: string) => {
      const consumer = new RedisStreamConsumer(parseBrokerUrl(url(s)), { group, batchSize: 100 });
      let got = 0;
      const running = consumer.run(async (batch) => {
        await batch.ack();
        got += batch.records.length;
      });
      while (got < 300) await sleep(20);
      await sleep(400); // at least one trim pass (every claimIdleMs / 2)
      await consumer.close();
      await running;
    };
    await consume('sluice');
    expect(await admin.xlen(s)).toBe(300);
    await consume('audit');
    // Approximate trimming removes whole radix-tree nodes (100 entries by default).
    expect(await admin.xlen(s)).toBeLessThan(100);
  });

  it('caps the stream with ?maxLen= when asked (documented as losing unread entries)', async () => {
    const s = stream('maxlen');
    await publish(url(s, { maxLen: 100 }), records('/var/log/maxlen.log', 1_000));
    const length = await admin.xlen(s);
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThan(1_000);
  });

  it('publishes with one XADD per record where the server refuses EVAL (an ACL user without @scripting)', async () => {
    const s = stream('noeval');
    const user = `${s}-user`;
    const password = `pw-${user}`;
    await admin.call(
      'ACL',
      'SETUSER',
      user,
      'reset',
      'on',
      `>${password}`,
      `~${s}`,
      '+xadd',
      '+ping',
      '+client',
    );
    try {
      const limited = `redis://${user}:${password}@${new URL(env.redisUrl).host}`;
      const batch = records('/var/log/noeval.log', 2_500);
      await publish(streamUrl(limited, s, { type: 'stream' }), batch);
      const entries = await admin.xrange(s, '-', '+');
      expect(entries.map(([, fields]) => JSON.parse(fields[1] as string).sluice.id)).toEqual(
        batch.map((r) => r.id),
      );
    } finally {
      await admin.call('ACL', 'DELUSER', user);
    }
  });

  it('writes with its script the entries one XADD per record writes, in order', async () => {
    const s = stream('script');
    const batch = records('/var/log/script.log', 2_500);
    await publish(url(s), batch);
    const entries = await admin.xrange(s, '-', '+');
    expect(entries.map(([, fields]) => fields[0])).toEqual(batch.map(() => 'data'));
    expect(entries.map(([, fields]) => JSON.parse(fields[1] as string).message)).toEqual(
      batch.map((r) => r.line),
    );
    expect(entries.map(([, fields]) => JSON.parse(fields[1] as string).sluice.id)).toEqual(
      batch.map((r) => r.id),
    );
  });

  it('reads entries another program XADDed with a message field, with ids from the entry id', async () => {
    const s = stream('foreign');
    const id = (await admin.xadd(s, '*', 'message', 'GET / 200', 'service', 'web')) as string;
    const consumer = new RedisStreamConsumer(parseBrokerUrl(url(s)));
    const got: unknown[] = [];
    const running = consumer.run(async (batch) => {
      got.push(...batch.records);
      await batch.ack();
      void consumer.close();
    });
    await running;
    expect(got).toEqual([
      {
        id: `${s}@${id}`,
        line: 'GET / 200',
        format: 'raw',
        fields: { service: 'web' },
        origin: `redis-stream:${s}@${id}`,
      },
    ]);
  });
});
