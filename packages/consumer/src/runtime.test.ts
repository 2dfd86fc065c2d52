import type { Consumer, InboundBatch, LagSample } from '@sluice/brokers';
import { createLogger } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { ConsumerRuntime } from './runtime.js';

/** A broker that delivers nothing and answers lag() from a script the test controls. */
function idleConsumer(lag: () => Promise<LagSample[]>): Consumer & { closed: boolean } {
  let release: (() => void) | undefined;
  return {
    closed: false,
    connected: true,
    run(_handle: (batch: InboundBatch) => Promise<void>) {
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    },
    pause() {},
    resume() {},
    lag,
    async close() {
      this.closed = true;
      release?.();
    },
  };
}

function runtimeFor(consumer: Consumer): ConsumerRuntime {
  return new ConsumerRuntime({
    consumer,
    encoder: { encode: () => Promise.reject(new Error('no batch is delivered in these tests')) },
    sink: { write: async () => ({ indexed: 0, duplicates: 0, deadLettered: 0 }) },
    exitWhenIdleMs: 100,
    lagIntervalMs: 60_000,
    logger: createLogger({ level: 'silent' }),
  });
}

describe('exit when idle', () => {
  it('exits once nothing arrives and the broker reports no lag', async () => {
    const consumer = idleConsumer(async () => [{ stream: 'logs', lag: 0 }]);
    await runtimeFor(consumer).run();
    expect(consumer.closed).toBe(true);
  });

  it('keeps waiting while lag cannot be read (broker down), and exits once it can', async () => {
    let brokerUp = false;
    let asked = 0;
    const consumer = idleConsumer(async () => {
      asked++;
      if (!brokerUp) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      return [{ stream: 'logs', lag: 0 }];
    });
    const running = runtimeFor(consumer).run();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(asked).toBeGreaterThan(1);
    expect(consumer.closed).toBe(false);
    brokerUp = true;
    await running;
    expect(consumer.closed).toBe(true);
  });
});
