import type { Redis } from 'ioredis';
import type { LagSample } from '../types.js';

/*
 * What concerns a stream's consumer groups as a whole, not one consumer: lag and trimming.
 */

/**
 * Deletes the entries every group has acknowledged: those before the oldest entry any group
 * still has pending or has not read yet. Approximate (`~`), so Redis trims whole nodes only
 * and never past the id given.
 */
export async function trimAcknowledged(client: Redis, key: string): Promise<void> {
  const groups = parseInfo(await client.xinfo('GROUPS', key));
  let oldestNeeded: string | undefined;
  for (const group of groups) {
    const summary = (await client.xpending(key, String(group.name))) as [number, string | null, ...unknown[]];
    // Everything up to last-delivered-id was read; of that, everything before the first
    // pending entry was acknowledged.
    const needed = summary[1] ?? nextId(String(group['last-delivered-id']));
    if (oldestNeeded === undefined || compareIds(needed, oldestNeeded) < 0) oldestNeeded = needed;
  }
  if (oldestNeeded !== undefined) await client.xtrim(key, 'MINID', '~', oldestNeeded);
}

/** Lag of one group: entries not yet delivered plus delivered and not acknowledged. */
export async function streamLag(client: Redis, key: string, group: string): Promise<LagSample> {
  let groups: Array<Record<string, unknown>>;
  try {
    groups = parseInfo(await client.xinfo('GROUPS', key));
  } catch (error) {
    // No such key: nothing was published yet.
    if (/no such key/i.test(String((error as Error).message))) return { stream: key, lag: 0 };
    throw error;
  }
  const info = groups.find((g) => String(g.name) === group);
  const length = Number(await client.xlen(key));
  if (info === undefined) {
    return { stream: key, lag: length, note: `group "${group}" does not exist yet: every entry counts` };
  }
  const pending = Number(info.pending ?? 0);
  if (info.lag === null || info.lag === undefined) {
    // Redis cannot tell after deletions inside the unread range: the stream length bounds it.
    return {
      stream: key,
      lag: length,
      note: 'Redis cannot compute the group lag after entries were deleted; this is the stream length',
    };
  }
  return { stream: key, lag: Number(info.lag) + pending };
}

function parseInfo(reply: unknown): Array<Record<string, unknown>> {
  return (reply as unknown[][]).map((flat) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
    return out;
  });
}

function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}

function nextId(id: string): string {
  const [ms, seq] = id.split('-') as [string, string];
  return `${ms}-${BigInt(seq) + 1n}`;
}
