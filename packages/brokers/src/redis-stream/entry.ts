import type { InboundRecord } from '@sluice/core';
import { type Decoded, decodePayload } from '../wire.js';

/** The `backend` label of this adapter's metrics. */
export const STREAM_BACKEND = 'redis-stream';

/** The entry field that carries a Sluice record: the same JSON event (or line) a list element holds. */
export const ENTRY_FIELD = 'data';

/**
 * Decodes one stream entry. Sluice writes `data`; an entry another program wrote with
 * `XADD key * message "..." level info` is read too: `message` is the line and the other
 * fields ride along as event fields. Entry ids are stable and unique within the stream, so
 * they make the deterministic id of anything that carries none of its own (as Kafka offsets do).
 */
export function decodeEntry(stream: string, entryId: string, fields: readonly string[]): Decoded {
  const origin = `redis-stream:${stream}@${entryId}`;
  const fallbackId = `${stream}@${entryId}`;
  let message: string | undefined;
  let extra: Record<string, string> | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i] as string;
    const value = fields[i + 1] as string;
    if (name === ENTRY_FIELD) return decodeEntryPayload(stream, entryId, value);
    if (name === 'message') message = value;
    // A field named like an object key of the prototype would be a trap for later code.
    else if (name !== '__proto__') {
      extra ??= Object.create(null) as Record<string, string>;
      extra[name] = value;
    }
  }
  if (message === undefined) {
    return { poison: true, reason: `stream entry has neither a "${ENTRY_FIELD}" nor a "message" field` };
  }
  const record: InboundRecord = {
    id: fallbackId,
    line: message,
    format: 'raw',
    ...(extra === undefined ? {} : { fields: { ...extra } }),
    origin,
  };
  return record;
}

/** Decodes the `data` field of entry `entryId` (what decodeEntry does with an entry Sluice wrote). */
export function decodeEntryPayload(stream: string, entryId: string, data: string): Decoded {
  return decodePayload(data, {
    origin: `redis-stream:${stream}@${entryId}`,
    stream,
    fallbackId: `${stream}@${entryId}`,
  });
}
