import { type Span, spanByteLength, spanItems } from './spans.js';

/**
 * Items waiting for a request slot, as spans in send order. Unbounded by design: it holds
 * only spans of the callers' batches, and the caller bounds those with its in-flight
 * budget ("Guarantees" in the README); the sink never reads ahead of what it was given.
 */
export class BulkQueue {
  private spans: Span[] = [];
  private queuedItems = 0;
  private queuedBytes = 0;
  private oldestQueuedAt = 0;

  get length(): number {
    return this.spans.length;
  }

  get items(): number {
    return this.queuedItems;
  }

  get bytes(): number {
    return this.queuedBytes;
  }

  /** When the queue last went from empty to not empty; for the linger of `flushIntervalMs`. */
  get oldestAt(): number {
    return this.oldestQueuedAt;
  }

  /** Adds a span at the tail, or at the head for retried items (the oldest, whose callers wait longest). */
  push(span: Span, front = false): void {
    if (this.spans.length === 0) this.oldestQueuedAt = Date.now();
    if (front) this.spans.unshift(span);
    else this.spans.push(span);
    this.queuedItems += spanItems(span);
    this.queuedBytes += spanByteLength(span);
  }

  /**
   * Takes up to `maxItems` items / `maxBytes` bytes from the head, cutting a span if needed;
   * spans of batches already settled (handed back) are dropped on the way.
   */
  take(maxItems: number, maxBytes: number): Span[] {
    const taken: Span[] = [];
    let items = 0;
    let chars = 0;
    while (this.spans.length > 0 && items < maxItems && chars < maxBytes) {
      const span = this.spans[0] as Span;
      if (span.state.settled) {
        this.dequeueHead();
        continue;
      }
      const count = spanItems(span);
      const size = spanByteLength(span);
      if (items + count <= maxItems && chars + size <= maxBytes) {
        this.dequeueHead();
        taken.push(span);
        items += count;
        chars += size;
        continue;
      }
      // The head span does not fit whole: cut it where a limit is reached, taking at
      // least one item into an empty request (one huge document still has to go).
      const starts = span.state.batch.starts;
      const base = starts[span.from] as number;
      let cut = span.from;
      while (
        cut < span.to &&
        items + (cut + 1 - span.from) <= maxItems &&
        chars + ((starts[cut + 1] as number) - base) <= maxBytes
      ) {
        cut++;
      }
      if (cut === span.from && items === 0) cut = span.from + 1;
      if (cut === span.from) break;
      this.dequeueHead();
      if (cut < span.to)
        this.push({ state: span.state, from: cut, to: span.to, attempts: span.attempts }, true);
      taken.push({ state: span.state, from: span.from, to: cut, attempts: span.attempts });
      break;
    }
    if (this.spans.length === 0) this.oldestQueuedAt = 0;
    return taken;
  }

  clear(): void {
    this.spans = [];
    this.queuedItems = 0;
    this.queuedBytes = 0;
  }

  private dequeueHead(): void {
    const span = this.spans.shift() as Span;
    this.queuedItems -= spanItems(span);
    this.queuedBytes -= spanByteLength(span);
  }
}
