import type { Client } from '@elastic/elasticsearch';
import { compileIndexName, IndexError, type IndexNameFn } from '@sluice/core';

/** One record Elasticsearch will never take as it is, with why. */
export interface DeadLetterEntry {
  /** The document `_id` it was written with (deterministic: the record id). */
  readonly id: string;
  /** The original raw line, as the shipper read it, so it can be replayed through a fixed pipeline. */
  readonly line: string;
  /** Broker coordinates of the record (`topic/partition@offset`, list, queue). */
  readonly origin: string;
  /** The index the document was meant for. */
  readonly index: string;
  readonly status: number;
  readonly error: { readonly type: string; readonly reason: string };
  /** When it was dead-lettered (ms since epoch). */
  readonly at: number;
}

/**
 * Where dead letters go. `index`: an Elasticsearch index name template (default
 * `sluice-dlq-%{+yyyy.MM.dd}`). `custom`: anything else (a broker topic, list or queue);
 * `write` must resolve only once the entries are durable, because the records are then
 * acknowledged to the broker. It may be called again with the same entries after a crash.
 */
export type DeadLetterTarget =
  | { readonly kind: 'index'; readonly index: string }
  | { readonly kind: 'custom'; write(entries: readonly DeadLetterEntry[]): Promise<void> };

export const DEFAULT_DEAD_LETTER_INDEX = 'sluice-dlq-%{+yyyy.MM.dd}';

export interface DeadLetterWriter {
  write(entries: readonly DeadLetterEntry[], signal?: AbortSignal): Promise<void>;
}

/** The document stored in a dead-letter index. */
export interface DeadLetterDocument {
  readonly '@timestamp': string;
  readonly message: string;
  readonly error: { readonly type: string; readonly reason: string };
  readonly sluice: {
    readonly record_id: string;
    readonly origin: string;
    readonly index: string;
    readonly status: number;
  };
}

export function deadLetterDocument(entry: DeadLetterEntry): DeadLetterDocument {
  return {
    '@timestamp': new Date(entry.at).toISOString(),
    message: entry.line,
    error: { type: entry.error.type, reason: entry.error.reason },
    sluice: { record_id: entry.id, origin: entry.origin, index: entry.index, status: entry.status },
  };
}

/**
 * Writes dead letters to an index with `create` and the record id as `_id`, so a dead
 * letter written twice (the batch was redelivered) is still one document. Throws a
 * retriable IndexError when any entry did not make it; the sink retries.
 */
export class IndexDeadLetterWriter implements DeadLetterWriter {
  private readonly indexName: IndexNameFn;

  constructor(
    private readonly client: Client,
    template: string,
  ) {
    this.indexName = compileIndexName(template);
  }

  async write(entries: readonly DeadLetterEntry[], signal?: AbortSignal): Promise<void> {
    if (entries.length === 0) return;
    let body = '';
    for (const entry of entries) {
      const doc = deadLetterDocument(entry);
      body += `${JSON.stringify({ create: { _index: this.indexName(doc as never), _id: entry.id } })}\n${JSON.stringify(doc)}\n`;
    }
    let response: {
      errors: boolean;
      items: Array<Record<string, { status: number; error?: { type: string; reason: string } }>>;
    };
    try {
      response = (await this.client.transport.request(
        {
          method: 'POST',
          path: '/_bulk',
          bulkBody: body,
          querystring: { filter_path: 'errors,items.*.status,items.*.error' },
        },
        signal ? { signal } : {},
      )) as typeof response;
    } catch (error) {
      throw new IndexError(`writing ${entries.length} dead letters failed: ${(error as Error).message}`, {
        retriable: true,
        cause: error,
      });
    }
    if (!response.errors) return;
    for (const item of response.items) {
      const result = Object.values(item)[0];
      if (result && result.status >= 300 && result.status !== 409) {
        throw new IndexError(
          `a dead letter was refused (${result.status}): ${result.error?.reason ?? 'no reason'}`,
          {
            retriable: result.status !== 401 && result.status !== 403,
            hint: 'the dead-letter index template maps only a few fields; check that nothing else maps sluice-dlq-*',
          },
        );
      }
    }
  }
}

export class CustomDeadLetterWriter implements DeadLetterWriter {
  constructor(private readonly target: Extract<DeadLetterTarget, { kind: 'custom' }>) {}
  write(entries: readonly DeadLetterEntry[]): Promise<void> {
    return entries.length === 0 ? Promise.resolve() : this.target.write(entries);
  }
}
