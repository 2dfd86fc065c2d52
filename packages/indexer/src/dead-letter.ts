import type { Client } from '@elastic/elasticsearch';
import {
  BulkActionLines,
  compileIndexName,
  getField,
  type InboundRecord,
  IndexError,
  type IndexNameFn,
  type JsonObject,
  type OutboundRecord,
} from '@sluice/core';

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
    /** The pipeline that produced the refused document, when the dead letter says (broker form). */
    readonly pipeline?: string;
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
 * A dead letter as a broker record, for a dead-letter topic, list or queue. It is an
 * ordinary Sluice record: the original line under the original record id (so whatever
 * indexes it later writes the same `_id`), with why it was refused as fields, which each
 * backend carries as it carries any record's fields (Redis: in the JSON envelope, nested;
 * Kafka and RabbitMQ: the `x-sluice-fields` header, flat):
 *
 * | field | value |
 * |---|---|
 * | `error.type`, `error.reason` | Elasticsearch's error for the item |
 * | `dead_letter.status` | the item's HTTP status (400, ...) |
 * | `dead_letter.index` | the index the document was meant for |
 * | `dead_letter.record_id` | the record id (also the record's own id) |
 * | `dead_letter.origin` | broker coordinates it was consumed from (also `log.file.path`) |
 * | `dead_letter.pipeline` | the consumer's pipeline (`module:nginx.access`, a file, patterns), when known |
 * | `dead_letter.at` | when it was dead-lettered (ISO 8601; also the record's shipped-at time) |
 */
export function deadLetterRecord(entry: DeadLetterEntry, pipeline?: string): OutboundRecord {
  const at = new Date(entry.at).toISOString();
  return {
    id: entry.id,
    line: entry.line,
    source: entry.origin,
    shippedAt: entry.at,
    fields: {
      'error.type': entry.error.type,
      'error.reason': entry.error.reason,
      'dead_letter.status': entry.status,
      'dead_letter.index': entry.index,
      'dead_letter.record_id': entry.id,
      'dead_letter.origin': entry.origin,
      ...(pipeline ? { 'dead_letter.pipeline': pipeline } : {}),
      'dead_letter.at': at,
    },
  };
}

/**
 * Reads a dead letter back from a broker record (`deadLetterRecord`'s form, whichever
 * backend carried it), in the shape of a dead-letter index document so one replay path
 * serves both. A record that is not a dead letter (no `dead_letter.status`) is returned
 * as one with status 0 and no target index: its line is still replayable.
 */
export function deadLetterFromRecord(record: InboundRecord): DeadLetterDocument {
  const fields = (record.fields ?? {}) as JsonObject;
  // Flat keys (Kafka and RabbitMQ headers) or nested objects (a Redis envelope).
  const read = (key: string) => (key in fields ? fields[key] : getField(fields, key));
  const text = (key: string, fallback: string): string => {
    const value = read(key);
    return typeof value === 'string' ? value : fallback;
  };
  const status = read('dead_letter.status');
  const pipeline = read('dead_letter.pipeline');
  return {
    '@timestamp': text('dead_letter.at', new Date(record.shippedAt ?? Date.now()).toISOString()),
    message: record.line,
    error: { type: text('error.type', 'unknown'), reason: text('error.reason', '') },
    sluice: {
      record_id: text('dead_letter.record_id', record.id),
      origin: text('dead_letter.origin', record.origin),
      index: text('dead_letter.index', ''),
      status: typeof status === 'number' ? status : Number(status ?? 0) || 0,
      ...(typeof pipeline === 'string' ? { pipeline } : {}),
    },
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
    const actions = new BulkActionLines();
    let body = '';
    for (const entry of entries) {
      const doc = deadLetterDocument(entry);
      body += `${actions.line(this.indexName(doc as never), entry.id)}${JSON.stringify(doc)}\n`;
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
