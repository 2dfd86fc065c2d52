import type { BrokerDescriptor } from '../descriptor.js';
import { redis } from '../redis/index.js';
import { encodeEnvelope } from '../wire.js';

/**
 * Redis Streams through ioredis: `redis://[USER:PASSWORD@]HOST:PORT/STREAM?type=stream`. Same
 * server, schemes, credentials and TLS as Redis lists; `?type=stream` claims the URL.
 */
export const redisStream: BrokerDescriptor = {
  kind: 'redis-stream',
  label: 'Redis Streams',
  url: {
    ...redis.url,
    schemes: redis.url.schemes.map((s) => ({ ...s, example: `${s.example}?type=stream` })),
    matches: ({ options }) => options.type === 'stream',
    streamNoun: 'stream',
    form: 'redis://[:PASSWORD@|USER:PASSWORD@]127.0.0.1:6379/STREAM?type=stream (TLS: rediss://)',
    secretHint: 'redis://:PASSWORD@host:6379/stream?type=stream',
  },
  help: {
    usage: 'redis://HOST:PORT/STREAM?type=stream',
    group: 'consumer group',
    lag: 'undelivered + pending entries of the group',
  },
  codec: {
    summary: 'one XADD entry per record, field `data` holding the JSON envelope a list element holds',
    // The field name beside the envelope.
    wireBytes: (record) => 4 + Buffer.byteLength(encodeEnvelope(record)),
  },
  local: {
    ...redis.local,
    streamUrl: (address, stream) => `${redis.local.streamUrl(address, stream)}?type=stream`,
  },
  load: async () => (await import('./client.js')).client,
};
