import type { InboundRecord } from '@sluice/core';
import type { TapOptions } from '../tap.js';
import type { BrokerTarget } from '../types.js';
import { decodePayload, isPoison } from '../wire.js';
import { connectRedis, createRedis, redisError } from './connection.js';

/** `sluice tap` on a list: LRANGE of the newest elements, which takes nothing from consumers. */
export async function tapList(target: BrokerTarget, options: TapOptions): Promise<InboundRecord[]> {
  const client = createRedis(target);
  // connectRedis maps a refused AUTH to its own error (exit 2, with a hint); a bare
  // connect() would leave LRANGE to fail with ioredis's "Connection is closed".
  await connectRedis(client, target);
  try {
    const payloads = await client.lrange(target.stream, -options.count, -1);
    const records: InboundRecord[] = [];
    for (const payload of payloads) {
      const decoded = decodePayload(payload, { origin: `redis:${target.stream}`, stream: target.stream });
      if (!isPoison(decoded)) records.push(decoded);
    }
    return records;
  } catch (error) {
    throw redisError(target, 'LRANGE', error);
  } finally {
    client.disconnect();
  }
}
