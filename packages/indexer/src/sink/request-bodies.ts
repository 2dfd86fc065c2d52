/**
 * Buffers for bulk request bodies joined from several spans, reused from one request to
 * the next.
 *
 * Why: a request usually carries the spans of several callers' batches, so its body is a
 * copy. A fresh buffer per request lives as long as the request (seconds under load), is
 * promoted to V8's old generation and counts as external memory, and V8 starts a full
 * mark-compact whenever the external memory allocated since the last one eats the old
 * generation's headroom: at a few MB of bodies per second that was a full GC every second
 * or so on the consumer's main thread (measured with --trace-gc, 100,000 lines: 23 major
 * GCs, most of their marking on V8's helper threads). Reused buffers allocate nothing.
 *
 * A buffer comes back only once Elasticsearch answered the request that carried it: it has
 * then read the whole body, so no socket write of it can still be pending. After a failure
 * (timeout, abort, connection reset) the buffer is left to the garbage collector.
 */
export class RequestBodies {
  private readonly free: ArrayBuffer[] = [];
  /** Allocations this pool handed out: `give` takes back nothing else (never a batch's own body). */
  private readonly lent = new WeakSet<ArrayBuffer>();

  /**
   * @param maxFree buffers kept for reuse (about the number of requests in flight)
   * @param maxBytes a buffer above this size is never kept (one huge request does not pin its size)
   */
  constructor(
    private readonly maxFree: number,
    private readonly maxBytes: number,
  ) {}

  /** A Buffer of exactly `size` bytes (contents undefined) on a reused or new allocation. */
  take(size: number): Buffer {
    for (let i = 0; i < this.free.length; i++) {
      const buffer = this.free[i] as ArrayBuffer;
      // Not far bigger than needed: a small request does not hold a large buffer others could use.
      if (buffer.byteLength >= size && buffer.byteLength <= size * 4) {
        this.free.splice(i, 1);
        return Buffer.from(buffer, 0, size);
      }
    }
    let capacity = MIN_CAPACITY;
    while (capacity < size) capacity *= 2;
    const buffer = new ArrayBuffer(capacity);
    this.lent.add(buffer);
    return Buffer.from(buffer, 0, size);
  }

  /**
   * Hands a body back for reuse; call only after Elasticsearch answered its request. A
   * body `take` did not make (a single span's bytes, a view on a caller's batch) is ignored.
   */
  give(body: Buffer): void {
    const buffer = body.buffer;
    if (!(buffer instanceof ArrayBuffer) || !this.lent.has(buffer)) return;
    if (buffer.byteLength > this.maxBytes || this.free.length >= this.maxFree) return;
    if (!this.free.includes(buffer)) this.free.push(buffer);
  }
}

const MIN_CAPACITY = 64 * 1024;
