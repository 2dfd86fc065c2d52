import type { InboundRecord } from '@sluice/core';
import { connectRedis, createRedis, redisError } from '../redis/connection.js';
import type { BrokerTarget } from '../types.js';
import { isPoison } from '../wire.js';
import { decodeEntry } from './entry.js';

/**
 * The newest `count` entries, oldest first (XREVRANGE): reading a range touches no consumer
 * group, so nothing is delivered, claimed or acknowledged.
 */
export async function tapStream(target: BrokerTarget, count: number): Promise<InboundRecord[]> {
  const client = createRedis(target);
  await connectRedis(client, target);
  try {
    const entries = (await client.xrevrange(target.stream, '+', '-', 'COUNT', count)) as Array<
      [string, string[]]
    >;
    const records: InboundRecord[] = [];
    for (const [id, fields] of entries.reverse()) {
      const decoded = decodeEntry(target.stream, id, fields);
      if (!isPoison(decoded)) records.push(decoded);
    }
    return records;
  } catch (error) {
    throw redisError(target, 'XREVRANGE', error);
  } finally {
    client.disconnect();
  }
}
