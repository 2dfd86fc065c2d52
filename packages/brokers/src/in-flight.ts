import { errorChain, type InboundRecord, type Logger } from '@sluice/core';
import type { InboundBatch } from './types.js';

/** A batch that knows whether `ack()` or `retryLater()` has already decided its fate. */
export interface SettledBatch extends InboundBatch {
  readonly settled: boolean;
}

export interface InFlightHooks {
  /** `retryLater()` itself failed (connection gone): say what the broker does with the batch instead. */
  readonly onHandBackError: (error: unknown) => void;
  /** Runs last, after the batch left the in-flight set: free the slot, wake the fetcher. */
  readonly onDone: () => void;
}

/**
 * Runs `handle` on one batch in the background and guarantees the contract's promise
 * that a batch never stays unsettled: a handler that throws, or returns without acking,
 * hands its batch back for redelivery. The batch counts in `inFlight` from this call
 * until the hand-back (if any) is done, so `close()` can wait for the set to empty.
 * Shared by the Redis and RabbitMQ consumers, which fetch themselves (kafkajs drives
 * Kafka's batches).
 */
export function runInFlight<B extends SettledBatch>(
  batch: B,
  inFlight: Set<B>,
  handle: (batch: InboundBatch) => Promise<void>,
  log: Logger,
  hooks: InFlightHooks,
): void {
  inFlight.add(batch);
  void (async () => {
    try {
      await handle(batch);
    } catch (error) {
      log.warn('handler failed; batch handed back for redelivery', {
        error: errorChain(error),
        records: batch.records.length,
      });
    }
    try {
      if (!batch.settled) await batch.retryLater();
    } catch (error) {
      hooks.onHandBackError(error);
    } finally {
      inFlight.delete(batch);
      hooks.onDone();
    }
  })();
}

/**
 * A fetched batch whose fate is decided once: `ack()` or `retryLater()`, whichever comes
 * first, runs `decide`; a second call waits for that decision instead of undoing it. A
 * decision that fails can be made again (the connection may be back).
 */
export abstract class SettleOnceBatch implements SettledBatch {
  settled = false;
  private settling: Promise<void> | undefined;

  abstract readonly records: readonly InboundRecord[];

  protected abstract decide(how: 'ack' | 'giveBack'): Promise<void>;

  ack(): Promise<void> {
    return this.settle('ack');
  }

  retryLater(): Promise<void> {
    return this.settle('giveBack');
  }

  private settle(how: 'ack' | 'giveBack'): Promise<void> {
    this.settling ??= this.decide(how).then(
      () => {
        this.settled = true;
      },
      (error: unknown) => {
        this.settling = undefined;
        throw error;
      },
    );
    return this.settling;
  }
}

/** One waiter woken by the next `wake()`: a fetch loop sleeping until pause, capacity or close changes. */
export class WakeUp {
  private waiter: (() => void) | undefined;

  wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  wait(): Promise<void> {
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }
}
