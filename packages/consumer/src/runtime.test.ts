import type { Consumer, InboundBatch, LagSample } from '@sluice/brokers';
import { createLogger, type InboundRecord, itemText } from '@sluice/core';
import { encodeBatch } from '@sluice/indexer';
import { describe, expect, it } from 'vitest';
import { ConsumerRuntime, POISON_ERROR_TYPE } from './runtime.js';

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

describe('a record the parser fails on is isolated, not retried as a batch forever', () => {
  /** A broker that delivers one batch, then nothing; records what was acknowledged or handed back. */
  function oneBatch(records: InboundRecord[]): Consumer & { acked: number; handedBack: number } {
    let release: (() => void) | undefined;
    return {
      acked: 0,
      handedBack: 0,
      connected: true,
      async run(handle: (batch: InboundBatch) => Promise<void>) {
        const done = new Promise<void>((resolve) => {
          release = resolve;
        });
        await handle({
          records,
          ack: async () => {
            this.acked++;
          },
          retryLater: async () => {
            this.handedBack++;
          },
        });
        await done;
      },
      pause() {},
      resume() {},
      lag: async () => [{ stream: 'logs', lag: 0 }],
      async close() {
        release?.();
      },
    };
  }

  it('splits a failing batch down to the record, dead-letters it, and indexes the others', async () => {
    const records: InboundRecord[] = Array.from({ length: 7 }, (_, i) => ({
      id: `r${i}`,
      line: i === 5 ? 'poison' : `line ${i}`,
      source: 'test',
      offset: i,
      origin: `logs@${i}`,
    }));
    let calls = 0;
    const encoder = {
      async encode(batch: readonly InboundRecord[]) {
        calls++;
        if (batch.some((r) => r.line === 'poison')) throw new RangeError('Maximum call stack size exceeded');
        return encodeBatch(
          batch.map((r, i) => ({ index: 'logs', id: r.id, source: { message: r.line }, record: i })),
        );
      },
    };
    const written: string[] = [];
    const deadLettered: Array<{ id: string; type: string; reason: string }> = [];
    const consumer = oneBatch(records);
    const runtime = new ConsumerRuntime({
      consumer,
      encoder,
      sink: {
        async write(batch, refs) {
          for (const i of batch.recordIndex) written.push(refs[i]?.id as string);
          // Each item's body still belongs to the record recordIndex names.
          for (let i = 0; i < batch.recordIndex.length; i++) {
            expect(itemText(batch, i)).toContain(`"_id":"${refs[batch.recordIndex[i] as number]?.id}"`);
          }
          return { indexed: batch.recordIndex.length, duplicates: 0, deadLettered: 0 };
        },
        async deadLetterRecords(refs, error) {
          for (const r of refs) deadLettered.push({ id: r.id, ...error });
        },
      },
      exitWhenIdleMs: 50,
      lagIntervalMs: 60_000,
      logger: createLogger({ level: 'silent' }),
    });
    const summary = await runtime.run();
    expect(written).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r6']);
    expect(deadLettered).toEqual([
      {
        id: 'r5',
        type: POISON_ERROR_TYPE,
        reason: 'the parser failed on this record 3 times: Maximum call stack size exceeded',
      },
    ]);
    expect(consumer.acked).toBe(1);
    expect(consumer.handedBack).toBe(0);
    expect(summary).toMatchObject({ records: 7, indexed: 6, deadLettered: 1, retried: 0 });
    // 3 whole-batch attempts, then halves [0,4) ok and [4,7) failing, [4,6) failing, r4 ok, r5 x3, r6 ok.
    expect(calls).toBe(3 + 1 + 1 + 1 + 1 + 3 + 1);
  });

  it('poisonAttempts sets how often a failing batch and a failing record are tried', async () => {
    const records: InboundRecord[] = [0, 1, 2, 3].map((i) => ({
      id: `r${i}`,
      line: i === 2 ? 'poison' : `line ${i}`,
      format: 'raw',
      origin: `logs@${i}`,
    }));
    let calls = 0;
    const deadLettered: string[] = [];
    const runtime = new ConsumerRuntime({
      consumer: oneBatch(records),
      encoder: {
        async encode(batch: readonly InboundRecord[]) {
          calls++;
          if (batch.some((r) => r.line === 'poison')) throw new Error('boom');
          return encodeBatch(
            batch.map((r, i) => ({ index: 'logs', id: r.id, source: { message: r.line }, record: i })),
          );
        },
      },
      sink: {
        write: async (batch) => ({ indexed: batch.recordIndex.length, duplicates: 0, deadLettered: 0 }),
        async deadLetterRecords(refs, error) {
          for (const r of refs) deadLettered.push(`${r.id}: ${error.reason}`);
        },
      },
      poisonAttempts: 1,
      exitWhenIdleMs: 50,
      lagIntervalMs: 60_000,
      logger: createLogger({ level: 'silent' }),
    });
    await runtime.run();
    expect(deadLettered).toEqual(['r2: the parser failed on this record once: boom']);
    // Whole batch once, halves [0,2) ok and [2,4) failing, then r2 once and r3 ok.
    expect(calls).toBe(1 + 1 + 1 + 1 + 1);
  });

  it('a parser that fails on everything is an outage: the batch is handed back, nothing is dead-lettered', async () => {
    const records: InboundRecord[] = [0, 1].map((i) => ({
      id: `r${i}`,
      line: `line ${i}`,
      format: 'raw',
      origin: `logs@${i}`,
    }));
    const deadLettered: string[] = [];
    const consumer = oneBatch(records);
    const runtime = new ConsumerRuntime({
      consumer,
      encoder: { encode: () => Promise.reject(new Error('worker file missing')) },
      sink: {
        write: async () => ({ indexed: 0, duplicates: 0, deadLettered: 0 }),
        async deadLetterRecords(refs) {
          for (const r of refs) deadLettered.push(r.id);
        },
      },
      exitWhenIdleMs: 50,
      lagIntervalMs: 60_000,
      logger: createLogger({ level: 'silent' }),
    });
    const summary = await runtime.run();
    expect(deadLettered).toEqual([]);
    expect(consumer.handedBack).toBe(1);
    expect(consumer.acked).toBe(0);
    expect(summary).toMatchObject({ retried: 2, deadLettered: 0 });
  });
});
