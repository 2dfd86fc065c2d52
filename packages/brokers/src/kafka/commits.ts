import { errorChain, type Logger } from '@sluice/core';

/** One offset to commit, in the form kafkajs's `commitOffsets` takes. */
export interface TopicOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * The commit points waiting to be sent to the group coordinator, one per partition (the
 * newest wins), and the one commit request in flight. OffsetTracker decides WHICH offset
 * may be committed; this decides WHEN it is sent.
 *
 * One commit request at a time, carrying the newest commit point of every partition:
 * requests cannot overtake each other, and a burst of acks costs one round trip.
 * A failed commit is not an error for the caller: the work is done, and the worst
 * case is a redelivery after a restart, which ids collapse. It is retried with the
 * next ack or the next group join, for the partitions this member still owns.
 */
export class PendingCommits {
  private readonly wanted = new Map<number, number>();
  private committing: Promise<void> | undefined;

  constructor(
    private readonly topic: string,
    private readonly commit: (offsets: TopicOffset[]) => Promise<void>,
    private readonly owns: (partition: number) => boolean,
    private readonly log: Logger,
  ) {}

  get size(): number {
    return this.wanted.size;
  }

  /** Records `offset` as the partition's commit point unless a newer one is waiting. */
  want(partition: number, offset: number): void {
    if (offset > (this.wanted.get(partition) ?? -1)) this.wanted.set(partition, offset);
  }

  /** Forgets every waiting commit point (a new member id, a crash). */
  clear(): void {
    this.wanted.clear();
  }

  /** Forgets the commit points of partitions this member no longer owns. */
  keepOnly(assigned: ReadonlySet<number>): void {
    for (const p of [...this.wanted.keys()]) if (!assigned.has(p)) this.wanted.delete(p);
  }

  /** Sends what is waiting, after any request in flight; never rejects. */
  async flush(): Promise<void> {
    while (this.committing) await this.committing;
    if (this.wanted.size === 0) return;
    const offsets = [...this.wanted].map(([partition, offset]) => ({
      topic: this.topic,
      partition,
      offset: String(offset),
    }));
    this.wanted.clear();
    this.committing = this.commit(offsets)
      .catch((error: unknown) => {
        this.log.debug('offset commit failed; will retry with the next one', { error: errorChain(error) });
        for (const { partition, offset } of offsets) {
          if (this.owns(partition)) this.want(partition, Number(offset));
        }
      })
      .finally(() => {
        this.committing = undefined;
      });
    await this.committing;
  }
}
