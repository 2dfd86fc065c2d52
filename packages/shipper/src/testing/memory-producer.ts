import type { Producer } from '@sluice/brokers';
import { BrokerError, type OutboundRecord } from '@sluice/core';

/**
 * A real, in-process Producer for unit tests of the shipper: it keeps every published
 * record in order and can be told to be down (reject with a retriable BrokerError) or slow.
 * Not a mock: it implements the whole contract (a resolved publish means "stored").
 */
export class MemoryProducer implements Producer {
  readonly records: OutboundRecord[] = [];
  /** Every publish call's batch size, accepted or not. */
  readonly attempts: number[] = [];
  /** Reject this many coming publish calls. */
  failNext = 0;
  /** While true, every publish rejects (the broker is down). */
  down = false;
  /** Delay before a publish settles, ms. */
  latencyMs = 0;
  closed = false;
  /** Publishes running now, and the most there ever were at once. */
  inFlight = 0;
  maxConcurrent = 0;
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;

  /** Makes publishes wait until `release()` (a stalled broker). */
  hold(): void {
    this.gate ??= new Promise((resolve) => {
      this.openGate = resolve;
    });
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
    this.openGate = undefined;
  }

  async publish(records: readonly OutboundRecord[]): Promise<void> {
    if (this.closed) throw new BrokerError('producer is closed');
    this.attempts.push(records.length);
    this.inFlight++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.inFlight);
    try {
      const fail = this.down || this.failNext > 0;
      if (this.failNext > 0) this.failNext--;
      if (this.gate) await this.gate;
      if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
      if (fail) throw new BrokerError('memory broker is down', { retriable: true });
      this.records.push(...records);
    } finally {
      this.inFlight--;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
