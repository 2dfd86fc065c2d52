import { errorChain, type Logger } from '@sluice/core';
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
