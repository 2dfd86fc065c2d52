import type { Redis as RedisClient } from 'ioredis';
import { streamUrl, uniqueStream } from '../brokers.js';
import { type BrokerHarness, isUnreachable, requireFromBrokers, unavailable } from './common.js';

const { Redis } = requireFromBrokers('ioredis') as {
  Redis: new (url: string, options: object) => RedisClient;
};

/**
 * `redis-raw`: the same suite with batches handed over undecoded (`rawPayloads`, as
 * `sluice consume` opens it), the handler reading `batch.records` (decoded on first read).
 */
export const variants = ['raw'] as const;

export const createHarness = (address: string, variant?: string): Promise<BrokerHarness> =>
  redisHarness(address, variant === 'raw');

async function redisHarness(base: string, raw = false): Promise<BrokerHarness> {
  const admin = new Redis(base, { lazyConnect: true, maxRetriesPerRequest: 2 });
  admin.on('error', () => {});
  try {
    await admin.connect();
  } catch (error) {
    admin.disconnect();
    if (isUnreachable(error)) return unavailable('redis');
    throw error;
  }
  const streams: string[] = [];
  return {
    kind: 'redis',
    ready: true,
    countsReconnects: true,
    producerOptions: {},
    stream: (prefix) => {
      const s = uniqueStream(`conformance-${prefix}`);
      streams.push(s);
      return s;
    },
    url: (stream) => streamUrl(base, stream, { heartbeatMs: 1_000, reclaimIntervalMs: 250, blockMs: 200 }),
    consumerOptions: () => (raw ? { rawPayloads: true } : {}),
    publishRaw: async (stream, payloads) => {
      await admin.rpush(stream, ...payloads);
    },
    deadLetterCount: (stream) => admin.llen(`${stream}.dlq`),
    dropConnections: async (_stream, consumerId) => {
      const clients = (await admin.client('LIST')) as string;
      const ids = clients
        .split('\n')
        .filter((l) => l.includes(`name=sluice-`) && l.includes(consumerId))
        .map((l) => /\bid=(\d+)/.exec(l)?.[1])
        .filter((id): id is string => id !== undefined);
      if (ids.length === 0) throw new Error(`no Redis connection named after ${consumerId}`);
      for (const id of ids) await admin.client('KILL', 'ID', id);
    },
    close: async () => {
      for (const s of streams) {
        const keys = await admin.keys(`${s}*`);
        if (keys.length > 0) await admin.del(...keys);
      }
      await admin.quit();
    },
  };
}
