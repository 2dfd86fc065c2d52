import type { JsonObject, OutboundRecord } from '@sluice/core';
import { contentId, setField } from '@sluice/core';
import {
  type DecodeContext,
  type Decoded,
  decodePayload,
  encodeBeatsEvent,
  encodeEnvelope,
  HEADER,
  isPoison,
  poison,
} from '../wire.js';

/**
 * RabbitMQ's wire format (README, "RabbitMQ"): one record per message, the raw line as the
 * body, the id and coordinates in AMQP properties and headers; or, with
 * `?linesPerMessage=N`, N Sluice envelopes as NDJSON in one message.
 */

/** AMQP message: the body is the raw line; id and coordinates in properties and headers. */
export interface AmqpMessage {
  readonly body: Buffer;
  readonly messageId: string;
  readonly timestamp: number;
  readonly contentType: string;
  readonly headers: Record<string, string | number>;
}

export function encodeAmqp(record: OutboundRecord, format: 'sluice' | 'beats' = 'sluice'): AmqpMessage {
  if (format === 'beats') {
    return {
      body: Buffer.from(encodeBeatsEvent(record)),
      messageId: record.id,
      timestamp: Math.floor(record.shippedAt / 1000),
      contentType: 'application/json',
      headers: {},
    };
  }
  const headers: Record<string, string | number> = {
    [HEADER.source]: record.source,
    [HEADER.shippedAt]: record.shippedAt,
  };
  if (record.offset !== undefined) headers[HEADER.offset] = record.offset;
  if (record.fields && Object.keys(record.fields).length > 0)
    headers[HEADER.fields] = JSON.stringify(record.fields);
  return {
    body: Buffer.from(record.line),
    messageId: record.id,
    timestamp: Math.floor(record.shippedAt / 1000),
    contentType: 'text/plain; charset=utf-8',
    headers,
  };
}

/** Content type of a batched AMQP message: one Sluice envelope per line. */
export const NDJSON = 'application/x-ndjson';
export const RECORDS_HEADER = 'x-sluice-records';

/**
 * Several records in one AMQP message (`?linesPerMessage=N`): the body is one Sluice
 * envelope per line (JSON.stringify escapes newlines, so a multi-line event stays on one
 * line), which Logstash's `json_lines` codec can also read. RabbitMQ's cost is per message.
 */
export function encodeAmqpBatch(records: readonly OutboundRecord[]): AmqpMessage {
  const first = records[0] as OutboundRecord;
  return {
    body: Buffer.from(records.map(encodeEnvelope).join('\n')),
    messageId: `${first.id}+${records.length}`,
    timestamp: Math.floor(first.shippedAt / 1000),
    contentType: NDJSON,
    headers: { [RECORDS_HEADER]: records.length },
  };
}

/** Decodes a batched AMQP message line by line; a bad line is poison on its own. */
export function decodeAmqpBatch(body: Buffer, context: DecodeContext): { line: string; decoded: Decoded }[] {
  return body
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => ({ line, decoded: decodePayload(line, { ...context, declaredJson: true }) }));
}

/** Decodes a Sluice AMQP message (raw line in the body, metadata in properties). */
export function decodeAmqp(
  body: Buffer,
  properties: {
    messageId?: string | undefined;
    contentType?: string | undefined;
    headers?: Record<string, unknown> | undefined;
  },
  context: DecodeContext,
): Decoded {
  const headers = properties.headers ?? {};
  const text = body.toString('utf8');
  const source = headers[HEADER.source];
  if (typeof source === 'string' && typeof properties.messageId === 'string' && properties.messageId !== '') {
    let fields: Record<string, unknown> | undefined;
    const rawFields = headers[HEADER.fields];
    if (rawFields !== undefined) {
      try {
        const parsed: unknown = JSON.parse(String(rawFields));
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
          return poison(`${HEADER.fields} header is not a JSON object`);
        // Nested like the envelope's fields, so every backend hands the pipeline the same shape.
        const nested: JsonObject = {};
        for (const [key, value] of Object.entries(parsed as JsonObject)) setField(nested, key, value);
        fields = nested;
      } catch {
        return poison(`${HEADER.fields} header is not valid JSON`);
      }
    }
    const offset = toNumber(headers[HEADER.offset]);
    const shippedAt = toNumber(headers[HEADER.shippedAt]);
    return {
      id: properties.messageId,
      line: text,
      source,
      ...(offset !== undefined ? { offset } : {}),
      ...(shippedAt !== undefined ? { shippedAt } : {}),
      format: 'sluice',
      ...(fields ? { fields } : {}),
      origin: context.origin,
    };
  }
  const declaredJson = /json/i.test(properties.contentType ?? '');
  const decoded = decodePayload(text, { ...context, declaredJson });
  // A foreign message with its own message id keeps it: publishers that set one (Logstash
  // does not by default) mean it as the identity of the message.
  if (
    !isPoison(decoded) &&
    decoded.format !== 'sluice' &&
    properties.messageId &&
    decoded.id === contentId(text, context.stream)
  ) {
    return { ...decoded, id: contentId(properties.messageId, context.stream) };
  }
  return decoded;
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}
