import { randomBytes } from 'node:crypto';
import type { Consumer } from '@sluice/brokers';
import { type InboundRecord, type OutboundRecord, recordId } from '@sluice/core';

/**
 * Broker URLs for integration tests. Uses the shared `testEnv()` (test/support/env.ts)
 * when it exists; otherwise REDIS_URL / AMQP_URL / KAFKA_BROKERS with the local defaults.
 */
export interface BrokerEnv {
  readonly kafkaBrokers: readonly string[];
  readonly redisUrl: string;
  readonly amqpUrl: string;
}

export async function brokerEnv(): Promise<BrokerEnv> {
  try {
    const shared = (await import('./env.js')) as { testEnv: () => BrokerEnv };
    return shared.testEnv();
  } catch {
    return {
      kafkaBrokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
      redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      amqpUrl: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    };
  }
}

/** A stream name no other test (or earlier run) uses. */
export function uniqueStream(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** The env's base URL with the stream as path and the query options appended. */
export function streamUrl(base: string, stream: string, query: Record<string, string | number> = {}): string {
  const root = base.replace(/\/\d*$/, '').replace(/\/$/, '');
  const qs = new URLSearchParams(
    Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString();
  return `${root}/${encodeURIComponent(stream)}${qs ? `?${qs}` : ''}`;
}

/**
 * Runs `consumer`, acknowledging every batch, until `count` records arrived or `timeoutMs`
 * passed, then closes it. Returns what arrived (fewer than `count` after a timeout), so the
 * test's own assertion says what was missing.
 */
export async function consumeAll(
  consumer: Consumer,
  count: number,
  timeoutMs = 30_000,
): Promise<InboundRecord[]> {
  const got: InboundRecord[] = [];
  let enough = (): void => undefined;
  const reached = new Promise<void>((resolve) => {
    enough = resolve;
  });
  const running = consumer.run(async (batch) => {
    got.push(...batch.records);
    await batch.ack();
    if (got.length >= count) enough();
  });
  const timer = setTimeout(enough, timeoutMs);
  try {
    await Promise.race([reached, running]);
  } finally {
    clearTimeout(timer);
    await consumer.close();
    await running;
  }
  return got;
}

/** `count` records of `source` numbered from `from`, each line naming its number and source. */
export function records(source: string, count: number, from = 0): OutboundRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    id: recordId(source, from + i),
    line: `line ${from + i} of ${source}`,
    source,
    offset: from + i,
    shippedAt: Date.now(),
  }));
}
