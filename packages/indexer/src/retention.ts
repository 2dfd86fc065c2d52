import type { Client } from '@elastic/elasticsearch';
import { ConfigError, errorMessage, IndexError } from '@sluice/core';

const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `30d`, `12h`, `2w` -> milliseconds. */
export function parseAge(value: string, key = '--older-than'): number {
  const match = /^(\d+)\s*([hdw])$/.exec(value.trim());
  const amount = match ? Number(match[1]) : 0;
  if (!match || amount <= 0) {
    throw new ConfigError(
      `${key} must be a positive duration in hours, days or weeks (12h, 30d, 2w), got "${value}"`,
    );
  }
  return amount * (UNIT_MS[match[2] as string] as number);
}

/**
 * The period an index name covers, from the date in it: `logs-2024.05.01` (a day),
 * `logs-2024-05-01`, `app-2024.05` (a month), `logs-2024.05.01.13` (an hour), `w-2024.19`
 * is not recognised (weeks are ambiguous). The last date-like run in the name wins, so
 * `svc-2024-logs-2024.05.01` is judged by 2024.05.01. UTC, as the index names are.
 */
export function indexPeriod(name: string): { start: number; end: number } | undefined {
  const re = /(?<![\d])(\d{4})[.\-_](\d{2})(?:[.\-_](\d{2}))?(?:[.\-_](\d{2}))?(?![\d])/g;
  let last: RegExpExecArray | undefined;
  for (let m = re.exec(name); m; m = re.exec(name)) last = m;
  if (!last) return undefined;
  const year = Number(last[1]);
  const month = Number(last[2]);
  const day = last[3] === undefined ? undefined : Number(last[3]);
  const hour = last[4] === undefined ? undefined : Number(last[4]);
  if (
    month < 1 ||
    month > 12 ||
    (day !== undefined && (day < 1 || day > 31)) ||
    (hour !== undefined && hour > 23)
  )
    return undefined;
  if (day === undefined) return { start: Date.UTC(year, month - 1, 1), end: Date.UTC(year, month, 1) };
  if (hour === undefined)
    return { start: Date.UTC(year, month - 1, day), end: Date.UTC(year, month - 1, day + 1) };
  return { start: Date.UTC(year, month - 1, day, hour), end: Date.UTC(year, month - 1, day, hour + 1) };
}

export type RetentionBasis = 'name' | 'creation' | 'name-or-creation';

export interface RetentionOptions {
  /** Index pattern (`logs-*`); hidden and system indices are never matched. */
  readonly pattern: string;
  readonly olderThanMs: number;
  /**
   * How an index's age is judged. `name` (default): by the date in its name; indices
   * without one are kept. `creation`: by its creation date. `name-or-creation`: the name,
   * else creation. An index is old when the whole period it covers ended before the cut-off.
   */
  readonly by?: RetentionBasis;
  readonly dryRun?: boolean;
  readonly now?: number;
}

export interface RetentionDecision {
  readonly index: string;
  /** End of the period it covers (by name) or its creation time (ms). */
  readonly date: number;
  readonly basis: 'name' | 'creation';
}

export interface RetentionReport {
  readonly expired: readonly RetentionDecision[];
  readonly kept: readonly string[];
  /** Matching indices whose age could not be judged under the chosen basis. */
  readonly skipped: readonly string[];
  /** Data streams given a lifecycle (`data_retention`), when the cluster has them. */
  readonly dataStreams: readonly string[];
  readonly dataStreamsSupported: boolean;
  readonly deleted: boolean;
}

function statusOf(error: unknown): number | undefined {
  const meta = (error as { meta?: { statusCode?: number } }).meta;
  return typeof meta?.statusCode === 'number' ? meta.statusCode : undefined;
}

/** Decides which indices are old, deletes them unless `dryRun`, and sets data-stream lifecycles where supported. */
export async function applyRetention(client: Client, options: RetentionOptions): Promise<RetentionReport> {
  if (
    !options.pattern ||
    options.pattern === '*' ||
    options.pattern.startsWith('.') ||
    options.pattern.startsWith('_all')
  ) {
    throw new ConfigError(
      `--index-pattern must name your log indices (for example 'logs-*'), got "${options.pattern}"`,
      {
        hint: 'a pattern matching every index would delete more than logs',
      },
    );
  }
  const now = options.now ?? Date.now();
  const cutoff = now - options.olderThanMs;
  const by = options.by ?? 'name';
  let rows: Array<{ index: string; 'creation.date': string }>;
  try {
    rows = (await client.transport.request({
      method: 'GET',
      path: `/_cat/indices/${encodeURIComponent(options.pattern)}`,
      querystring: { format: 'json', h: 'index,creation.date', expand_wildcards: 'open,closed' },
    })) as typeof rows;
  } catch (error) {
    if (statusOf(error) === 404) rows = [];
    else
      throw new IndexError(`listing indices ${options.pattern} failed: ${errorMessage(error)}`, {
        retriable: true,
        cause: error,
      });
  }
  const expired: RetentionDecision[] = [];
  const kept: string[] = [];
  const skipped: string[] = [];
  for (const row of rows.sort((a, b) => a.index.localeCompare(b.index))) {
    let decision: RetentionDecision | undefined;
    const period = by === 'creation' ? undefined : indexPeriod(row.index);
    if (period) decision = { index: row.index, date: period.end, basis: 'name' };
    else if (by !== 'name')
      decision = { index: row.index, date: Number(row['creation.date']), basis: 'creation' };
    if (!decision || !Number.isFinite(decision.date)) skipped.push(row.index);
    else if (decision.date <= cutoff) expired.push(decision);
    else kept.push(row.index);
  }
  if (!options.dryRun) {
    // Explicit names, in chunks that keep the request line well under 4 KiB.
    for (let i = 0; i < expired.length; ) {
      const chunk: string[] = [];
      let length = 0;
      while (i < expired.length && length < 3_000) {
        const name = (expired[i++] as RetentionDecision).index;
        chunk.push(name);
        length += name.length + 1;
      }
      await client.indices.delete({ index: chunk.join(','), ignore_unavailable: true });
    }
  }
  const { supported, streams } = await dataStreamRetention(client, options);
  return {
    expired,
    kept,
    skipped,
    dataStreams: streams,
    dataStreamsSupported: supported,
    deleted: !options.dryRun,
  };
}

/** Data streams expire by lifecycle, not deletion: set `data_retention` on those matching. */
async function dataStreamRetention(
  client: Client,
  options: RetentionOptions,
): Promise<{ supported: boolean; streams: string[] }> {
  let streams: string[];
  try {
    const answer = (await client.transport.request({
      method: 'GET',
      path: `/_data_stream/${encodeURIComponent(options.pattern)}`,
    })) as {
      data_streams?: Array<{ name: string }>;
    };
    streams = (answer.data_streams ?? []).map((s) => s.name);
  } catch (error) {
    const status = statusOf(error);
    if (status === 404) return { supported: true, streams: [] };
    // No data-stream module (400 "no handler found", or 405): nothing to do here.
    if (status === 400 || status === 405 || status === 410) return { supported: false, streams: [] };
    throw new IndexError(`listing data streams ${options.pattern} failed: ${errorMessage(error)}`, {
      retriable: true,
      cause: error,
    });
  }
  if (streams.length > 0 && !options.dryRun) {
    const hours = Math.max(1, Math.round(options.olderThanMs / 3_600_000));
    const retention = hours % 24 === 0 ? `${hours / 24}d` : `${hours}h`;
    await client.transport.request({
      method: 'PUT',
      path: `/_data_stream/${streams.map(encodeURIComponent).join(',')}/_lifecycle`,
      body: { data_retention: retention },
    });
  }
  return { supported: true, streams };
}
