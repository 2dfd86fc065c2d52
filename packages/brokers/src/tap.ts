import { randomBytes } from 'node:crypto';
import type { InboundRecord } from '@sluice/core';
import { createConsumer } from './factory.js';
import { connectRedis, createRedis, redisError } from './redis/connection.js';
import { tapStream } from './redis-stream/tap.js';
import type { BrokerTarget } from './types.js';
import { decodePayload, isPoison } from './wire.js';

export interface TapOptions {
  /** Stop after this many records. */
  readonly count: number;
  /** Stop after this long even with fewer records. */
  readonly timeoutMs: number;
  /** Kafka: read the topic from its earliest retained record instead of only new ones. */
  readonly fromBeginning?: boolean;
}

/**
 * Reads records without taking them from anyone: nothing is acknowledged or committed.
 * Kafka: a throwaway consumer group of its own, every batch handed back, no offsets
 * committed. RabbitMQ: get-and-requeue (messages return to the queue, marked redelivered).
 * Redis: LRANGE of the newest elements, which moves nothing; streams: XREVRANGE, likewise.
 */
export async function tapRecords(target: BrokerTarget, options: TapOptions): Promise<InboundRecord[]> {
  if (target.kind === 'redis') return tapRedis(target, options);
  if (target.kind === 'redis-stream') return tapStream(target, options.count);
  const consumer = createConsumer(target, {
    group: `sluice-tap-${randomBytes(4).toString('hex')}`,
    fromBeginning: options.fromBeginning ?? false,
    batchSize: Math.min(options.count, 500),
    maxInFlightBatches: 1,
  });
  const records: InboundRecord[] = [];
  const timer = setTimeout(() => void consumer.close(), options.timeoutMs);
  try {
    await consumer.run(async (batch) => {
      for (const record of batch.records) if (records.length < options.count) records.push(record);
      await batch.retryLater();
      if (records.length >= options.count) void consumer.close();
    });
  } finally {
    clearTimeout(timer);
    await consumer.close();
  }
  return records;
}

async function tapRedis(target: BrokerTarget, options: TapOptions): Promise<InboundRecord[]> {
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
