/**
 * The in-flight budget: how much the consumer may hold between receiving records from
 * the broker and acknowledging them. Spending past the limit asks the broker to pause;
 * returning below the low-water mark lets it resume. A batch that arrives while paused
 * (fetches already under way) is still admitted: the broker is the buffer, and dropping
 * or blocking it would only delay the acknowledgement that frees the budget.
 */
export interface BudgetLimits {
  /** Events in flight before the broker is paused. */
  readonly maxEvents: number;
  /** Bytes of raw lines in flight before the broker is paused. */
  readonly maxBytes: number;
  /** Resume when both fall below this fraction of their limit. Default 0.5. */
  readonly resumeAt?: number;
}

export class InFlightBudget {
  private eventsHeld = 0;
  private bytesHeld = 0;
  private pausedSince: number | undefined;
  private pausedTotalMs = 0;

  constructor(
    private readonly limits: BudgetLimits,
    private readonly onPause: () => void,
    private readonly onResume: () => void,
  ) {
    if (!(limits.maxEvents >= 1))
      throw new RangeError(`maxEvents must be at least 1, got ${limits.maxEvents}`);
    if (!(limits.maxBytes >= 1)) throw new RangeError(`maxBytes must be at least 1, got ${limits.maxBytes}`);
  }

  get events(): number {
    return this.eventsHeld;
  }

  get bytes(): number {
    return this.bytesHeld;
  }

  get paused(): boolean {
    return this.pausedSince !== undefined;
  }

  /** Milliseconds spent paused, the current pause included. */
  pausedMs(now = Date.now()): number {
    return this.pausedTotalMs + (this.pausedSince === undefined ? 0 : now - this.pausedSince);
  }

  acquire(events: number, bytes: number): void {
    this.eventsHeld += events;
    this.bytesHeld += bytes;
    if (
      !this.paused &&
      (this.eventsHeld >= this.limits.maxEvents || this.bytesHeld >= this.limits.maxBytes)
    ) {
      this.pausedSince = Date.now();
      this.onPause();
    }
  }

  release(events: number, bytes: number): void {
    this.eventsHeld -= events;
    this.bytesHeld -= bytes;
    const resumeAt = this.limits.resumeAt ?? 0.5;
    if (
      this.pausedSince !== undefined &&
      this.eventsHeld < this.limits.maxEvents * resumeAt &&
      this.bytesHeld < this.limits.maxBytes * resumeAt
    ) {
      this.pausedTotalMs += Date.now() - this.pausedSince;
      this.pausedSince = undefined;
      this.onResume();
    }
  }
}
