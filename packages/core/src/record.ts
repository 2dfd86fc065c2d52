import { createHash, hash } from 'node:crypto';
import type { JsonObject } from './event.js';
import { fastRecordId } from './record-id-fast.js';

/**
 * What a shipper publishes: one raw log line (or one joined multi-line event) and the
 * metadata that makes it identifiable. `id` is deterministic so that a redelivered or
 * re-shipped record becomes the same Elasticsearch document (see "Guarantees" in the README).
 */
export interface OutboundRecord {
  /** Deterministic record id, used as the Elasticsearch `_id`. */
  readonly id: string;
  /** The raw line, without its line terminator. */
  readonly line: string;
  /** Where the line came from: a file path, `stdin`, `tcp://peer`, ... Also the partition key. */
  readonly source: string;
  /** Byte offset of the line in its source, when the source has offsets. */
  readonly offset?: number;
  /** When the shipper read the line (ms since epoch); drives the end-to-end latency metric. */
  readonly shippedAt: number;
  /**
   * Extra metadata to carry as fields (host.name, tags, shipper id, ...); an object only for
   * fields that are objects in ECS (`log.syslog.structured_data`).
   */
  readonly fields?: Readonly<Record<string, string | number | boolean | readonly string[] | JsonObject>>;
}

/** The format a consumer recognised on the wire. */
export type WireFormat = 'sluice' | 'beats' | 'logstash' | 'raw';

/**
 * What a consumer hands to the pipeline. `line` is the text to parse; `event` holds
 * fields that arrived already structured (a Filebeat or Logstash JSON event, or the
 * shipper's metadata) and is merged under the parsed fields.
 */
export interface InboundRecord {
  readonly id: string;
  readonly line: string;
  readonly source?: string;
  readonly offset?: number;
  readonly shippedAt?: number;
  readonly format: WireFormat;
  readonly fields?: Readonly<Record<string, unknown>>;
  /** Broker coordinates for diagnostics and dead letters (`topic/partition@offset`, list name, queue). */
  readonly origin: string;
}

/**
 * A stable id for a line: the same source and offset always give the same id, so a
 * shipper restarted mid-file re-sends lines under the ids they had the first time.
 */
export function recordId(source: string, offset: number | string): string {
  // SHA-256 of `source \0 offset`, base64url, cut to 27 characters. It runs once per shipped
  // line: file ids take a JavaScript path (record-id-fast.ts, same bytes), the rest the one-shot
  // hash (a Hash object per call cost the shipper a tenth of its CPU).
  return fastRecordId(source, offset) ?? hash('sha256', `${source}\0${offset}`, 'base64url').slice(0, 27);
}

/** An id for payloads that carry none of their own (foreign JSON events): a hash of their bytes plus where they were found. */
export function contentId(payload: string | Uint8Array, salt = ''): string {
  return createHash('sha256').update(salt).update('\0').update(payload).digest('base64url').slice(0, 27);
}

/**
 * The tag of a record whose line was cut: by the shipper at its line limit, or by a broker
 * adapter so the message fits the broker's message size limit. The rest of the line is
 * dropped, never the record.
 */
export const TAG_TRUNCATED = 'sluice.truncated';
