import { createLogger, type InboundRecord } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { runInFlight, type SettledBatch } from './in-flight.js';
import type { InboundBatch } from './types.js';

/** A batch that records what was decided for it; `retryLater` may be made to fail. */
class RecordingBatch implements SettledBatch {
  settled = false;
  readonly calls: string[] = [];
  readonly records: readonly InboundRecord[] = [];
  constructor(private readonly handBackFails = false) {}
  async ack(): Promise<void> {
    this.calls.push('ack');
    this.settled = true;
  }
  async retryLater(): Promise<void> {
    this.calls.push('retryLater');
    if (this.handBackFails) throw new Error('channel closed');
    this.settled = true;
  }
}

function run(batch: RecordingBatch, handle: (batch: InboundBatch) => Promise<void>) {
  const lines: string[] = [];
  const stream = { write: (s: string) => lines.push(s) } as unknown as NodeJS.WritableStream;
  const log = createLogger({ level: 'debug', format: 'json', stream });
  const inFlight = new Set<RecordingBatch>();
  const handBackErrors: string[] = [];
  const done = new Promise<number>((resolve) => {
    runInFlight(batch, inFlight, handle, log, {
      onHandBackError: (error) => handBackErrors.push(String(error)),
      // The set is already without the batch when onDone runs: close() relies on that.
      onDone: () => resolve(inFlight.size),
    });
  });
  const sizeWhileRunning = inFlight.size;
  return { done, sizeWhileRunning, lines, handBackErrors };
}

describe('runInFlight', () => {
  it('leaves an acknowledged batch alone', async () => {
    const batch = new RecordingBatch();
    const r = run(batch, (b) => b.ack());
    expect(r.sizeWhileRunning).toBe(1);
    expect(await r.done).toBe(0);
    expect(batch.calls).toEqual(['ack']);
    expect(r.lines).toEqual([]);
  });

  it('hands back a batch whose handler returned without settling it', async () => {
    const batch = new RecordingBatch();
    const r = run(batch, async () => {});
    expect(await r.done).toBe(0);
    expect(batch.calls).toEqual(['retryLater']);
    expect(r.lines).toEqual([]);
  });

  it('hands back the batch of a handler that throws, and says so once', async () => {
    const batch = new RecordingBatch();
    const r = run(batch, async () => {
      throw new Error('elasticsearch unavailable');
    });
    expect(await r.done).toBe(0);
    expect(batch.calls).toEqual(['retryLater']);
    expect(r.lines).toHaveLength(1);
    expect(JSON.parse(r.lines[0] as string)).toMatchObject({
      level: 'warn',
      msg: 'handler failed; batch handed back for redelivery',
      error: 'elasticsearch unavailable',
      records: 0,
    });
  });

  it('reports a failed hand-back and still frees the slot', async () => {
    const batch = new RecordingBatch(true);
    const r = run(batch, async () => {});
    expect(await r.done).toBe(0);
    expect(batch.calls).toEqual(['retryLater']);
    expect(r.handBackErrors).toEqual(['Error: channel closed']);
  });
});
