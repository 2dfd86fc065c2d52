import type { Redis as RedisClient } from 'ioredis';
import { streamUrl } from '../brokers.js';
import { type BrokerHarness, requireFromBrokers, unavailable } from './common.js';
import { createHarness as listHarness } from './redis.js';

const { Redis } = requireFromBrokers('ioredis') as {
  Redis: new (url: string, options: object) => RedisClient;
};

/** `redis-stream-raw`: entries handed over undecoded (`rawPayloads`), as `sluice consume` reads them. */
export const variants = ['raw'] as const;

/** The list harness's server and clean-up, with stream URLs and stream commands for raw payloads. */
export async function createHarness(base: string, variant?: string): Promise<BrokerHarness> {
  const list = await listHarness(base, variant);
  if (!list.ready) return unavailable('redis-stream');
  const admin = new Redis(base, { lazyConnect: true, maxRetriesPerRequest: 2 });
  admin.on('error', () => {});
  await admin.connect();
  return {
    ...list,
    kind: 'redis-stream',
    // A short claim idle time: a killed consumer's entries come back within a second.
    url: (stream) => streamUrl(base, stream, { type: 'stream', claimIdleMs: 500, blockMs: 200 }),
    publishRaw: async (stream, payloads) => {
      const pipeline = admin.pipeline();
      for (const payload of payloads) pipeline.xadd(stream, '*', 'data', payload);
      await pipeline.exec();
    },
    deadLetterCount: (stream) => admin.xlen(`${stream}.dlq`),
    close: async () => {
      await list.close();
      await admin.quit();
    },
  };
}
