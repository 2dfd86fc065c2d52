import type { BatchWriteOutcome, EncodedBatch, RecordRefs } from '@sluice/core';
import type { BatchState } from './spans.js';

/**
 * The callers' batches until each of their items is final: counts per-item outcomes and
 * settles a caller's `write` promise exactly once, when its last item is indexed, a
 * duplicate or dead-lettered (resolve), or when the batch is handed back (reject).
 * Spans of a settled batch may still sit in the queue or a request: crediting them is a
 * no-op, and the queue skips them.
 */
export class BatchLedger {
  private readonly active = new Set<BatchState>();
  private idleWaiters: Array<() => void> = [];

  /** Batches not yet settled. */
  get size(): number {
    return this.active.size;
  }

  /** Registers a batch of `items` items; `done` settles with its outcome. */
  open(
    batch: EncodedBatch,
    records: RecordRefs,
    items: number,
  ): { state: BatchState; done: Promise<Required<BatchWriteOutcome>> } {
    let state: BatchState | undefined;
    const done = new Promise<Required<BatchWriteOutcome>>((resolve, reject) => {
      state = {
        batch,
        records,
        remaining: items,
        indexed: 0,
        duplicates: 0,
        deadLettered: 0,
        deadLetteredItems: [],
        settled: false,
        resolve,
        reject,
      };
    });
    this.active.add(state as BatchState);
    return { state: state as BatchState, done };
  }

  credit(state: BatchState, kind: 'indexed' | 'duplicates', n: number): void {
    if (state.settled) return;
    state[kind] += n;
    state.remaining -= n;
    this.settleIfDone(state);
  }

  /** Item `item` of the batch is durably dead-lettered. */
  deadLettered(state: BatchState, item: number): void {
    if (state.settled) return;
    state.deadLetteredItems.push(item);
    state.deadLettered += 1;
    state.remaining -= 1;
    this.settleIfDone(state);
  }

  /** Hands the batch back to its caller with `error`; the rest of its items no longer count. */
  reject(state: BatchState, error: unknown): void {
    if (state.settled) return;
    state.settled = true;
    this.active.delete(state);
    state.reject(error);
    this.checkIdle();
  }

  rejectAll(error: unknown): void {
    for (const state of [...this.active]) this.reject(state, error);
  }

  /** Resolves once no batch is pending. */
  whenIdle(): Promise<void> {
    if (this.active.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private settleIfDone(state: BatchState): void {
    if (state.remaining !== 0) return;
    state.settled = true;
    this.active.delete(state);
    state.resolve({
      indexed: state.indexed,
      duplicates: state.duplicates,
      deadLettered: state.deadLettered,
      deadLetteredItems: state.deadLetteredItems.sort((a, b) => a - b),
    });
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.active.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
