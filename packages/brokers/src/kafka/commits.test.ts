import { createLogger } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { PendingCommits, type TopicOffset } from './commits.js';

const log = createLogger({ level: 'silent' });

describe('PendingCommits', () => {
  it('sends the newest commit point per partition, one request at a time', async () => {
    const sent: TopicOffset[][] = [];
    let release: () => void = () => {};
    const commits = new PendingCommits(
      't',
      async (offsets) => {
        sent.push(offsets);
        if (sent.length === 1) await new Promise<void>((resolve) => (release = resolve));
      },
      () => true,
      log,
    );
    commits.want(0, 10);
    const first = commits.flush();
    // While the first request is in flight, a burst of acks waits and coalesces.
    commits.want(0, 20);
    commits.want(0, 15);
    commits.want(1, 5);
    const second = commits.flush();
    const third = commits.flush();
    expect(sent).toHaveLength(1);
    release();
    await Promise.all([first, second, third]);
    expect(sent).toEqual([
      [{ topic: 't', partition: 0, offset: '10' }],
      [
        { topic: 't', partition: 0, offset: '20' },
        { topic: 't', partition: 1, offset: '5' },
      ],
    ]);
    expect(commits.size).toBe(0);
  });

  it('keeps a failed commit point for the next flush, only for partitions still owned', async () => {
    const owned = new Set([0]);
    let fail = true;
    const sent: TopicOffset[][] = [];
    const commits = new PendingCommits(
      't',
      async (offsets) => {
        sent.push(offsets);
        if (fail) throw new Error('coordinator moved');
      },
      (p) => owned.has(p),
      log,
    );
    commits.want(0, 7);
    commits.want(1, 9);
    await expect(commits.flush()).resolves.toBeUndefined();
    expect(commits.size).toBe(1);
    fail = false;
    await commits.flush();
    expect(sent[1]).toEqual([{ topic: 't', partition: 0, offset: '7' }]);
  });

  it('forgets partitions no longer assigned, and everything on clear', () => {
    const commits = new PendingCommits(
      't',
      async () => {},
      () => true,
      log,
    );
    commits.want(0, 1);
    commits.want(1, 1);
    commits.want(2, 1);
    commits.keepOnly(new Set([1]));
    expect(commits.size).toBe(1);
    commits.clear();
    expect(commits.size).toBe(0);
  });
});
