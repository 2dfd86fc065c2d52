import type { InboundRecord, OutboundRecord } from '@sluice/core';

/**
 * Sluice's framed batch format (README, "Frames"): several records in one broker message,
 * for Sluice-to-Sluice traffic (`?linesPerMessage=N` on Kafka and Redis URLs). A broker's
 * and its client's cost is mostly per message (kafkajs encodes, checksums and partitions
 * every record; Redis moves every element), and a frame writes the metadata that lines of
 * one read share once instead of once per line.
 *
 * One JSON object, columns of equal length plus what all lines share:
 *
 * ```json
 * {"sluice_frame":1,"ids":["6d1Z...","Qx3v..."],"lines":["GET / ...","GET /a ..."],
 *  "source":"/var/log/nginx/access.log","offsets":[4096,4187],"shipped_at":1767323045000,
 *  "fields":{"host.name":"web-1","agent.type":"sluice"},"each":{"log.offset":[4096,4187]}}
 * ```
 *
 * - `ids`: every line keeps the id the shipper gave it (`recordId(file identity, offset)`),
 *   so a frame delivered twice, or the same lines re-shipped after a crash in frames cut
 *   differently, index as the same documents.
 * - `source`, `shipped_at`: one value for all lines, or an array with one per line.
 * - `offsets`: one per line, `null` where a line has none; absent when none has one.
 * - `fields`: fields whose value every line shares; `each`: the others, one value per line,
 *   `null` where that line lacks the field (field values are never null: see FieldValue).
 *
 * Pure functions with no broker in them, so the adapters' consumers and the parser's
 * workers can both decode frames.
 */

export const FRAME_KEY = 'sluice_frame';
export const FRAME_VERSION = 1;
/** Kafka `content-type` header of a frame. */
export const FRAME_CONTENT_TYPE = 'application/vnd.sluice.frame+json';
/** Most lines one frame may carry: bounds what one message costs the consumer. */
export const MAX_FRAME_LINES = 10_000;

/** Every frame starts with these bytes, which no one-line Sluice envelope does. */
const FRAME_PREFIX = `{"${FRAME_KEY}":`;

type FieldValue = NonNullable<OutboundRecord['fields']>[string];

interface FrameJson {
  readonly [FRAME_KEY]: number;
  readonly ids: readonly string[];
  readonly lines: readonly string[];
  readonly source: string | readonly string[];
  readonly offsets?: readonly (number | null)[];
  readonly shipped_at: number | readonly number[];
  readonly fields?: Readonly<Record<string, FieldValue>>;
  readonly each?: Readonly<Record<string, readonly (FieldValue | null)[]>>;
}

/** True when a payload is a frame (cheap: a prefix test, before any JSON parsing). */
export function isFramePayload(payload: string): boolean {
  return payload.startsWith(FRAME_PREFIX);
}

function sameValue(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  if (a === b) return true;
  // Objects (structured data) are compared by reference: an equal copy is only sent twice.
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Encodes records (at least one) as one frame. Their order is kept. */
export function encodeFrame(records: readonly OutboundRecord[]): string {
  const n = records.length;
  const first = records[0];
  if (first === undefined) throw new RangeError('encodeFrame needs at least one record');
  if (n > MAX_FRAME_LINES) throw new RangeError(`a frame carries at most ${MAX_FRAME_LINES} lines, got ${n}`);
  const ids = new Array<string>(n);
  const lines = new Array<string>(n);
  const offsets = new Array<number | null>(n);
  let sameSource = true;
  let sameShippedAt = true;
  let anyOffset = false;
  for (let i = 0; i < n; i++) {
    const r = records[i] as OutboundRecord;
    ids[i] = r.id;
    lines[i] = r.line;
    offsets[i] = r.offset ?? null;
    if (r.offset !== undefined) anyOffset = true;
    if (r.source !== first.source) sameSource = false;
    if (r.shippedAt !== first.shippedAt) sameShippedAt = false;
  }
  // A field is shared while every line so far has it with the first line's value.
  const firstFields = first.fields ?? {};
  const { shared, varying } = sameKeyFields(records, firstFields) ?? anyFields(records, firstFields);
  const frame: Record<string, unknown> = { [FRAME_KEY]: FRAME_VERSION, ids, lines };
  frame.source = sameSource ? first.source : records.map((r) => r.source);
  if (anyOffset) frame.offsets = offsets;
  frame.shipped_at = sameShippedAt ? first.shippedAt : records.map((r) => r.shippedAt);
  if (shared.length > 0) {
    const fields: Record<string, FieldValue> = {};
    for (const key of shared) setOwnField(fields, key, firstFields[key] as FieldValue);
    frame.fields = fields;
  }
  if (varying.length > 0) {
    const each: Record<string, (FieldValue | null)[]> = {};
    for (const key of varying)
      setOwnField(
        each,
        key,
        records.map((r) => (r.fields === undefined ? null : (ownField(r.fields, key) ?? null))),
      );
    frame.each = each;
  }
  return JSON.stringify(frame);
}

type Fields = NonNullable<OutboundRecord['fields']>;

// Field names come from users' config and from documents: `__proto__` must stay a field,
// never reach an object's prototype, on either side of the wire (core's setOwn and getField
// do the same; not imported, as the workers load this module for its codec alone).
function setOwnField<T>(object: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  } else object[key] = value;
}

function ownField<T>(object: Readonly<Record<string, T>>, key: string): T | undefined {
  return key !== '__proto__' || Object.hasOwn(object, key) ? object[key] : undefined;
}

/**
 * The fields every line has with the first line's value (`shared`, in the first line's order),
 * and the others (`varying`, in the order they were found to vary), for the common frame: every
 * line has the same field names in the same order (a shipper's records of one file). Undefined
 * when a line does not: anyFields handles those. Same answer as anyFields, without a Set lookup
 * per field per line (a third of what encoding a frame cost).
 */
function sameKeyFields(
  records: readonly OutboundRecord[],
  firstFields: Fields,
): { shared: string[]; varying: string[] } | undefined {
  const keys = Object.keys(firstFields);
  const values = keys.map((k) => firstFields[k]);
  const isVarying = new Array<boolean>(keys.length).fill(false);
  const varying: string[] = [];
  for (let i = 1; i < records.length; i++) {
    const fields = (records[i] as OutboundRecord).fields ?? {};
    let j = 0;
    for (const key in fields) {
      if (key !== keys[j]) return undefined;
      if (!isVarying[j] && !sameValue(fields[key], values[j])) {
        isVarying[j] = true;
        varying.push(key);
      }
      j++;
    }
    if (j !== keys.length) return undefined;
  }
  return { shared: keys.filter((_, j) => !isVarying[j]), varying };
}

/** sameKeyFields for any records: lines may lack fields or have others. */
function anyFields(
  records: readonly OutboundRecord[],
  firstFields: Fields,
): { shared: string[]; varying: string[] } {
  const shared = new Set(Object.keys(firstFields));
  const varying = new Set<string>();
  for (let i = 1; i < records.length; i++) {
    const fields = (records[i] as OutboundRecord).fields ?? {};
    let present = 0;
    for (const key in fields) {
      if (shared.has(key)) {
        present++;
        if (!sameValue(fields[key], firstFields[key])) {
          shared.delete(key);
          present--;
          varying.add(key);
        }
      } else varying.add(key);
    }
    if (present !== shared.size) {
      // This line lacks some shared field: those vary too.
      for (const key of shared) {
        if (!Object.hasOwn(fields, key)) {
          shared.delete(key);
          varying.add(key);
        }
      }
    }
  }
  return { shared: [...shared], varying: [...varying] };
}

/** Cuts records into frames of at most `maxLines` lines and about `maxChars` characters of line text. */
export function frameGroups<T extends OutboundRecord>(
  records: readonly T[],
  maxLines: number,
  maxChars: number,
): T[][] {
  const groups: T[][] = [];
  let group: T[] = [];
  let chars = 0;
  for (const r of records) {
    if (group.length > 0 && (group.length >= maxLines || chars + r.line.length > maxChars)) {
      groups.push(group);
      group = [];
      chars = 0;
    }
    group.push(r);
    chars += r.line.length;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/** Why a payload that claims to be a frame cannot be read; the whole frame is poison. */
export interface FramePoison {
  readonly poison: true;
  readonly reason: string;
}

/**
 * Decodes a frame into one record per line, in order, each with `origin` + `#index` as
 * its origin. A frame that does not parse or whose columns do not line up is poison as a
 * whole: it is dead-lettered as one message, the way it arrived.
 */
export function decodeFrame(payload: string, origin: string): InboundRecord[] | FramePoison {
  let frame: FrameJson;
  try {
    frame = JSON.parse(payload) as FrameJson;
  } catch (error) {
    return framePoison(`frame does not parse as JSON: ${(error as Error).message}`);
  }
  if (frame === null || typeof frame !== 'object' || Array.isArray(frame))
    return framePoison('frame is not a JSON object');
  if (frame[FRAME_KEY] !== FRAME_VERSION)
    return framePoison(
      `frame version ${String(frame[FRAME_KEY])} is not one this consumer reads (${FRAME_VERSION}); upgrade the consumer`,
    );
  const { ids, lines } = frame;
  if (!Array.isArray(ids) || !Array.isArray(lines) || ids.length !== lines.length || ids.length === 0)
    return framePoison('frame ids and lines must be non-empty arrays of equal length');
  const n = ids.length;
  if (n > MAX_FRAME_LINES) return framePoison(`frame carries ${n} lines, more than ${MAX_FRAME_LINES}`);
  const source = column<string>(frame.source, n, 'string', 'source');
  if (typeof source === 'string') return framePoison(source);
  const shippedAt = column<number>(frame.shipped_at, n, 'number', 'shipped_at');
  if (typeof shippedAt === 'string') return framePoison(shippedAt);
  const offsets = frame.offsets;
  if (offsets !== undefined && (!Array.isArray(offsets) || offsets.length !== n))
    return framePoison('frame offsets must be an array with one entry per line');
  const shared = frame.fields;
  if (shared !== undefined && (shared === null || typeof shared !== 'object' || Array.isArray(shared)))
    return framePoison('frame fields must be a JSON object');
  const each = frame.each;
  if (each !== undefined && (each === null || typeof each !== 'object' || Array.isArray(each)))
    return framePoison('frame each must be a JSON object');
  const eachKeys = each === undefined ? [] : Object.keys(each);
  for (const key of eachKeys) {
    const values = (each as Record<string, unknown>)[key];
    if (!Array.isArray(values) || values.length !== n)
      return framePoison(`frame each.${key} must be an array with one entry per line`);
  }
  const hasFields = shared !== undefined || eachKeys.length > 0;
  const out = new Array<InboundRecord>(n);
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    const line = lines[i];
    if (typeof id !== 'string' || id === '') return framePoison(`frame line ${i} has no string id`);
    if (typeof line !== 'string') return framePoison(`frame line ${i} is not a string`);
    const offset = offsets?.[i];
    let fields: Record<string, unknown> | undefined;
    if (hasFields) {
      fields = shared === undefined ? {} : { ...shared };
      let count = shared === undefined ? 0 : 1;
      for (const key of eachKeys) {
        const value = (each as Record<string, readonly unknown[]>)[key]?.[i];
        if (value !== null && value !== undefined) {
          setOwnField(fields, key, value);
          count++;
        }
      }
      // A line that had no fields at all arrives without them, as it would one per message.
      if (count === 0) fields = undefined;
    }
    const record: {
      -readonly [K in keyof InboundRecord]: InboundRecord[K];
    } = {
      id,
      line,
      source: source(i),
      shippedAt: shippedAt(i),
      format: 'sluice',
      origin: `${origin}#${i}`,
    };
    if (typeof offset === 'number') record.offset = offset;
    if (fields !== undefined) record.fields = fields;
    out[i] = record;
  }
  return out;
}

/** A column: one value for every line, or one per line. Returns a reader, or why it is malformed. */
function column<T extends string | number>(
  value: unknown,
  n: number,
  type: 'string' | 'number',
  name: string,
): ((i: number) => T) | string {
  if (typeof value === type) return () => value as T;
  if (Array.isArray(value) && value.length === n && value.every((v) => typeof v === type))
    return (i) => value[i] as T;
  return `frame ${name} must be a ${type} or an array of ${n} of them`;
}

function framePoison(reason: string): FramePoison {
  return { poison: true, reason: reason.length > 200 ? `${reason.slice(0, 200)}...` : reason };
}
