import type { Client } from '@elastic/elasticsearch';
import {
  type EncodedBatch,
  errorMessage,
  IndexError,
  type IndexNameFn,
  type JsonObject,
  type Logger,
  type RecordRef,
} from '@sluice/core';
import type { DeadLetterDocument, DeadLetterEntry } from './dead-letter.js';
import { type BulkDocument, encodeBatch } from './encode.js';
import type { SinkOptions } from './options.js';
import { ElasticsearchSink } from './sink/elasticsearch-sink.js';

/** Turns one dead letter back into events (a parser pipeline); empty when the pipeline drops it. */
export type ReplayTransform = (letter: DeadLetterDocument) => JsonObject[] | Promise<JsonObject[]>;

export interface ReplayOptions {
  /** Where to index, and how to reach Elasticsearch; `deadLetter` is ignored (see below). */
  readonly sink: Omit<SinkOptions, 'deadLetter'> & { logger?: Logger };
  /** Dead-letter indices to read. Default `sluice-dlq-*`. */
  readonly fromIndex?: string;
  /** Default: each letter's original line as `message`, with its dead-letter `@timestamp`. */
  readonly transform?: ReplayTransform;
  /** Target index per event. Default: the index the record was meant for (`sluice.index`). */
  readonly index?: IndexNameFn;
  /** Delete each dead letter once its record is indexed (or found already indexed). Default false. */
  readonly deleteAfter?: boolean;
  /** Dead letters per page and per write. Default 500. */
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
}

export interface ReplaySummary {
  readonly read: number;
  readonly indexed: number;
  readonly duplicates: number;
  /** Refused again: left in the dead-letter index untouched, with their first reason. */
  readonly failedAgain: number;
  readonly dropped: number;
  readonly deleted: number;
}

interface Hit {
  readonly _index: string;
  readonly _id: string;
  readonly _source: DeadLetterDocument;
}

export function rawLineTransform(letter: DeadLetterDocument): JsonObject[] {
  return [{ '@timestamp': letter['@timestamp'], message: letter.message }];
}

/**
 * Turns dead letters into one bulk batch: each letter's events (the transform's output)
 * under its record id (`id`, `id-1`, ... when the transform makes several), into `index` or
 * else the index the record was meant for. Item i's record is letter `recordIndex[i]`, so
 * `records` for the sink are the letters' records in the same order. `dropped` counts the
 * letters the transform dropped; they are done, like a parser's dropped line.
 */
export async function encodeDeadLetters(
  letters: readonly DeadLetterDocument[],
  transform: ReplayTransform = rawLineTransform,
  index?: IndexNameFn,
): Promise<EncodedBatch & { readonly replayed: readonly number[] }> {
  const documents: BulkDocument[] = [];
  const replayed: number[] = [];
  let dropped = 0;
  for (let record = 0; record < letters.length; record++) {
    const letter = letters[record] as DeadLetterDocument;
    const id = letter.sluice.record_id;
    const events = await transform(letter);
    if (events.length === 0) {
      dropped++;
      continue;
    }
    events.forEach((event, k) => {
      const target = index ? index(event) : letter.sluice.index || 'logs-replayed';
      documents.push({ index: target, id: k === 0 ? id : `${id}-${k}`, source: event, record });
    });
    replayed.push(record);
  }
  return { ...encodeBatch(documents), dropped, replayed };
}

/**
 * Sends dead letters back through a (fixed) pipeline and indexes them under their
 * original ids with `create`, so replaying twice, or replaying a record that was also
 * redelivered, never duplicates. A letter refused again stays where it is (the replay
 * sink's dead-letter target only notes it), so `deleteAfter` deletes exactly the letters
 * whose records are now in Elasticsearch.
 */
export async function replayDeadLetters(client: Client, options: ReplayOptions): Promise<ReplaySummary> {
  const failedIds = new Set<string>();
  const sink = await ElasticsearchSink.create({
    ...options.sink,
    deadLetter: {
      kind: 'custom',
      write: async (entries: readonly DeadLetterEntry[]) => {
        for (const entry of entries) failedIds.add(entry.id);
      },
    },
  });
  const transform = options.transform ?? rawLineTransform;
  const fromIndex = options.fromIndex ?? 'sluice-dlq-*';
  const pageSize = options.pageSize ?? 500;
  const summary = { read: 0, indexed: 0, duplicates: 0, failedAgain: 0, dropped: 0, deleted: 0 };
  let scrollId: string | undefined;
  try {
    await client.indices.refresh({ index: fromIndex, ignore_unavailable: true, allow_no_indices: true });
    let page = await client.search<DeadLetterDocument>({
      index: fromIndex,
      scroll: '2m',
      size: pageSize,
      sort: ['_doc'],
      ignore_unavailable: true,
      allow_no_indices: true,
    });
    scrollId = page._scroll_id;
    while (page.hits.hits.length > 0) {
      if (options.signal?.aborted) break;
      const hits = page.hits.hits as unknown as Hit[];
      await replayPage(hits);
      page = await client.scroll<DeadLetterDocument>({ scroll_id: scrollId as string, scroll: '2m' });
      scrollId = page._scroll_id;
    }
  } catch (error) {
    if (error instanceof IndexError) throw error;
    throw new IndexError(`replaying dead letters from ${fromIndex} failed: ${errorMessage(error)}`, {
      retriable: true,
      cause: error,
    });
  } finally {
    if (scrollId) await client.clearScroll({ scroll_id: scrollId }).catch(() => {});
    await sink.close();
  }
  return summary;

  async function replayPage(hits: readonly Hit[]): Promise<void> {
    summary.read += hits.length;
    const letters = hits.map((hit): DeadLetterDocument => {
      const letter = hit._source;
      return {
        ...letter,
        sluice: {
          ...letter.sluice,
          record_id: letter.sluice?.record_id ?? hit._id,
          origin: letter.sluice?.origin ?? hit._index,
          index: letter.sluice?.index ?? '',
        },
      };
    });
    const batch = await encodeDeadLetters(letters, transform, options.index);
    summary.dropped += batch.dropped;
    if (batch.replayed.length === 0) return;
    const records: RecordRef[] = letters.map((l) => ({
      id: l.sluice.record_id,
      line: l.message,
      origin: l.sluice.origin,
    }));
    const replayed = batch.replayed.map((i) => hits[i] as Hit);
    failedIds.clear();
    const outcome = await sink.write(batch, records);
    summary.indexed += outcome.indexed;
    summary.duplicates += outcome.duplicates;
    summary.failedAgain += outcome.deadLettered;
    if (!options.deleteAfter) return;
    const done = replayed.filter((hit) => !failedIds.has(hit._source.sluice?.record_id ?? hit._id));
    if (done.length === 0) return;
    let body = '';
    for (const hit of done) body += `${JSON.stringify({ delete: { _index: hit._index, _id: hit._id } })}\n`;
    const answer = (await client.transport.request({
      method: 'POST',
      path: '/_bulk',
      bulkBody: body,
      querystring: { filter_path: 'items.*.status' },
    })) as {
      items: Array<Record<string, { status: number }>>;
    };
    for (const item of answer.items) {
      const status = Object.values(item)[0]?.status ?? 0;
      if (status === 200 || status === 404) summary.deleted++;
    }
  }
}
