import {
  type Consumer,
  decodePayloads,
  type InboundBatch,
  type LagSample,
  packPayloads,
} from '@sluice/brokers';
import { createLogger, type InboundRecord, itemText, type PayloadPoison } from '@sluice/core';
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

describe('raw payloads decoded in the workers', () => {
  const envelope = (id: string, line: string) =>
    JSON.stringify({ message: line, sluice: { id, shipped_at: 1_767_323_045_000 } });
  const frame = (ids: string[], lines: string[]) =>
    JSON.stringify({ sluice_frame: 1, ids, lines, source: 'app.log', shipped_at: 1_767_323_045_000 });

  /** A broker that delivers one raw batch (as the Redis list adapter does), then nothing. */
  function oneRawBatch(payloads: string[]) {
    const raw = packPayloads(
      payloads.map((p) => Buffer.from(p)),
      { codec: 'list', stream: 'logs', origin: 'redis:logs' },
    );
    const state = {
      acked: 0,
      handedBack: 0,
      decodedHere: 0,
      reported: undefined as { records: number; poison: readonly PayloadPoison[] } | undefined,
    };
    let release: (() => void) | undefined;
    let records: InboundRecord[] | undefined;
    const batch: InboundBatch = {
      raw,
      get records() {
        if (records === undefined) {
          state.decodedHere++;
          records = decodePayloads(raw).records;
        }
        return records;
      },
      payloadsDecoded(n, poison) {
        state.reported = { records: n, poison };
      },
      ack: async () => {
        state.acked++;
      },
      retryLater: async () => {
        state.handedBack++;
      },
    };
    const consumer: Consumer = {
      connected: true,
      async run(handle) {
        const done = new Promise<void>((resolve) => {
          release = resolve;
        });
        await handle(batch);
        await done;
      },
      pause() {},
      resume() {},
      lag: async () => [{ stream: 'logs', lag: 0 }],
      async close() {
        release?.();
      },
    };
    return { consumer, state };
  }

  function encodeRecords(batch: readonly InboundRecord[]) {
    return encodeBatch(
      batch.map((r, i) => ({ index: 'logs', id: r.id, source: { message: r.line }, record: i })),
    );
  }

  it('hands the payloads to the encoder, reports the workers’ counts, and decodes nothing on this thread', async () => {
    const { consumer, state } = oneRawBatch([
      envelope('a', 'line a'),
      frame(['b', 'c', 'd'], ['line b', 'line c', 'line d']),
      '{"broken',
    ]);
    const written: string[] = [];
    const runtime = new ConsumerRuntime({
      consumer,
      encoder: {
        encode: () => Promise.reject(new Error('the raw path does not use encode')),
        async encodePayloads(raw) {
          // What a worker does: decode, then encode.
          const { records, poison } = decodePayloads(raw);
          const shippedAt = Float64Array.from(records, (r) => r.shippedAt ?? Number.NaN);
          return { ...encodeRecords(records), records: records.length, shippedAt, poison };
        },
      },
      sink: {
        async write(batch) {
          for (let i = 0; i < batch.recordIndex.length; i++) written.push(itemText(batch, i));
          return { indexed: batch.recordIndex.length, duplicates: 0, deadLettered: 0 };
        },
      },
      exitWhenIdleMs: 50,
      lagIntervalMs: 60_000,
      logger: createLogger({ level: 'silent' }),
    });
    const summary = await runtime.run();
    expect(written.map((t) => /"_id":"(\w+)"/.exec(t)?.[1])).toEqual(['a', 'b', 'c', 'd']);
    expect(state.reported).toEqual({
      records: 4,
      poison: [{ payload: 2, reason: expect.stringContaining('JSON') }],
    });
    expect(state.decodedHere).toBe(0);
    expect(state).toMatchObject({ acked: 1, handedBack: 0 });
    expect(summary).toMatchObject({ records: 4, indexed: 4, deadLettered: 0, retried: 0 });
  });

  it('a dead letter looks up its own line of a frame, by the record index the workers gave', async () => {
    const { consumer, state } = oneRawBatch([frame(['b', 'c', 'd'], ['line b', 'line c', 'line d'])]);
    const refs: Array<string | undefined> = [];
    const runtime = new ConsumerRuntime({
      consumer,
      encoder: {
        encode: () => Promise.reject(new Error('the raw path does not use encode')),
        async encodePayloads(raw) {
          const { records, poison } = decodePayloads(raw);
          return { ...encodeRecords(records), records: 3, shippedAt: new Float64Array(3), poison };
        },
      },
      sink: {
        async write(batch, records) {
          // Elasticsearch refuses item 1 (line c): the sink reads that record only.
          const ref = records.at(batch.recordIndex[1] as number);
          refs.push(`${ref?.id} ${ref?.line} ${ref?.origin}`);
          return { indexed: 2, duplicates: 0, deadLettered: 1, deadLetteredItems: [1] };
        },
      },
      exitWhenIdleMs: 50,
      lagIntervalMs: 60_000,
      logger: createLogger({ level: 'silent' }),
    });
    await runtime.run();
    expect(refs).toEqual(['c line c redis:logs#1']);
    expect(state.decodedHere).toBe(1);
    expect(state.acked).toBe(1);
  });

  it('when the workers fail on a frame, the batch is decoded here and the one failing line is dead-lettered under its own id', async () => {
    const { consumer, state } = oneRawBatch([
      envelope('a', 'line a'),
      frame(['b', 'c', 'd'], ['line b', 'poison', 'line d']),
    ]);
    const written: string[] = [];
    const deadLettered: string[] = [];
    let rawCalls = 0;
    const runtime = new ConsumerRuntime({
      consumer,
      encoder: {
        async encode(batch: readonly InboundRecord[]) {
          if (batch.some((r) => r.line === 'poison')) throw new Error('boom');
          return encodeRecords(batch);
        },
        async encodePayloads() {
          rawCalls++;
          throw new Error('boom');
        },
      },
      sink: {
        async write(batch, records) {
          for (const i of batch.recordIndex) written.push(records.at(i)?.id as string);
          return { indexed: batch.recordIndex.length, duplicates: 0, deadLettered: 0 };
        },
        async deadLetterRecords(records, error) {
          for (const r of records) deadLettered.push(`${r.id} ${r.line} ${r.origin} ${error.type}`);
        },
      },
      poisonAttempts: 1,
      exitWhenIdleMs: 50,
      lagIntervalMs: 60_000,
      logger: createLogger({ level: 'silent' }),
    });
    const summary = await runtime.run();
    expect(rawCalls).toBe(1);
    expect(written).toEqual(['a', 'b', 'd']);
    expect(deadLettered).toEqual([`c poison redis:logs#1 ${POISON_ERROR_TYPE}`]);
    expect(state).toMatchObject({ acked: 1, handedBack: 0 });
    expect(summary).toMatchObject({ records: 4, indexed: 3, deadLettered: 1, retried: 0 });
  });
});
