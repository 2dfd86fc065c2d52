import { randomBytes } from 'node:crypto';
import type { InboundRecord } from '@sluice/core';
import { loadBrokerClient } from './factory.js';
import type { BrokerTarget } from './types.js';

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
 * By default a consumer whose every batch is handed back (`retryLater`), in a throwaway
 * group: Kafka commits no offsets, RabbitMQ requeues (messages marked redelivered). A
 * backend whose client has `tap` reads its own way (Redis: LRANGE, which moves nothing).
 */
export async function tapRecords(target: BrokerTarget, options: TapOptions): Promise<InboundRecord[]> {
  const client = await loadBrokerClient(target);
  // A backend that can read without taking anything (a Redis list's LRANGE) says so.
  if (client.tap) return client.tap(target, options);
  const consumer = client.consumer(target, {
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
