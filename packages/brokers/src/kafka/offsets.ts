/**
 * Which offsets of a partition may be committed, when batches of that partition finish
 * out of order in the worker pool.
 *
 * Kafka keeps one committed offset per partition: "everything below this is done". With
 * several batches of one partition in flight, batch 2 can finish before batch 1;
 * committing batch 2's end would also commit batch 1, which a crash would then lose. So
 * the commit point only ever advances over the leading run of acknowledged spans: it is
 * the highest CONTIGUOUS acknowledged offset plus one.
 *
 * A span that is no longer tracked (its partition was revoked in a rebalance, or an
 * earlier span of its partition was handed back for redelivery) is stale: acknowledging
 * or handing it back does nothing, because its records will be fetched again (by this
 * consumer or the partition's new owner) and their deterministic ids collapse duplicates.
 */
export interface Span {
  readonly partition: number;
  /** First offset of the span (inclusive). */
  readonly first: number;
  /** Last offset of the span (inclusive). */
  readonly last: number;
}

interface TrackedSpan extends Span {
  acked: boolean;
}

class PartitionOffsets {
  /** Spans in offset order; spans are dispatched in fetch order, which is offset order. */
  readonly spans: TrackedSpan[] = [];
  /** Highest offset ever dispatched here, to count redeliveries. */
  highest = -1;
}

export class OffsetTracker {
  private readonly partitions = new Map<number, PartitionOffsets>();

  /**
   * Registers a span about to be handed to the pipeline. Returns the span (to pass to
   * `ack`/`retry` later) and how many of its records this tracker had dispatched before
   * (redeliveries after a seek back or a rebalance).
   */
  dispatch(partition: number, first: number, last: number): { span: Span; redelivered: number } {
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || first < 0 || last < first) {
      throw new RangeError(`invalid offset span ${first}..${last} on partition ${partition}`);
    }
    let p = this.partitions.get(partition);
    if (!p) {
      p = new PartitionOffsets();
      this.partitions.set(partition, p);
    }
    // A fetch that starts at or before spans still tracked means the client went back
    // (a rejoin restarts from the committed offset): those spans are superseded by the
    // new delivery and become stale.
    while (p.spans.length > 0 && (p.spans[p.spans.length - 1] as TrackedSpan).last >= first) p.spans.pop();
    const span: TrackedSpan = { partition, first, last, acked: false };
    p.spans.push(span);
    const redelivered = p.highest >= first ? Math.min(p.highest, last) - first + 1 : 0;
    p.highest = Math.max(p.highest, last);
    return { span, redelivered };
  }

  /**
   * Marks a span done. Returns the offset to commit (the next offset to consume) when
   * the contiguous acknowledged prefix grew, or undefined when nothing new may be
   * committed (an earlier span is still in flight, or the span is stale).
   */
  ack(span: Span): number | undefined {
    const p = this.partitions.get(span.partition);
    const tracked = p?.spans.find((s) => s === span);
    if (!p || !tracked) return undefined;
    tracked.acked = true;
    let commit: number | undefined;
    while (p.spans.length > 0 && (p.spans[0] as TrackedSpan).acked) {
      commit = (p.spans.shift() as TrackedSpan).last + 1;
    }
    return commit;
  }

  /**
   * Hands a span back. Returns the offset to seek the partition to (the span's first),
   * after forgetting the span and every later span of its partition: they will be
   * fetched again from there. Undefined when the span is stale.
   */
  retry(span: Span): number | undefined {
    const p = this.partitions.get(span.partition);
    const index = p ? (p.spans as readonly Span[]).indexOf(span) : -1;
    if (!p || index < 0) return undefined;
    p.spans.length = index;
    return span.first;
  }

  /** True when the span would still be acted on. */
  isLive(span: Span): boolean {
    return this.partitions.get(span.partition)?.spans.includes(span as TrackedSpan) ?? false;
  }

  /** Forgets a partition's spans (revoked in a rebalance): their acks become no-ops. */
  revoke(partition: number): void {
    const p = this.partitions.get(partition);
    if (p) p.spans.length = 0;
  }

  /** Forgets every span (the member was fenced out of the group or the client restarted). */
  revokeAll(): void {
    for (const p of this.partitions.values()) p.spans.length = 0;
  }

  /** The offset after the last tracked span of a partition: where fetching continues. */
  nextFetch(partition: number): number | undefined {
    const spans = this.partitions.get(partition)?.spans;
    if (!spans || spans.length === 0) return undefined;
    return (spans[spans.length - 1] as TrackedSpan).last + 1;
  }

  /** Partitions with spans in flight. */
  activePartitions(): number[] {
    return [...this.partitions.entries()]
      .filter(([, p]) => p.spans.length > 0)
      .map(([partition]) => partition);
  }

  /** Spans tracked and not yet acknowledged, over all partitions. */
  get pending(): number {
    let n = 0;
    for (const p of this.partitions.values()) for (const s of p.spans) if (!s.acked) n++;
    return n;
  }
}
