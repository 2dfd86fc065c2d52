import type { InboundRecord, JsonObject } from '@sluice/core';
import { DEFAULT_MAX_DEPTH, exceedsDepth } from '@sluice/core';
import { type Copier, copierFor } from './repeated-json.js';

/*
 * Reading the envelope is most of what a consumer's parser worker spends per line before
 * parsing it: JSON.parse of the whole payload built the same field objects (host, agent,
 * event: what the shipper adds to every line of a file) once per line, about two thirds of
 * the parse. EnvelopeWriter (envelope-writer.ts) always writes one layout:
 *
 *   {"@timestamp":T,"message":M<BEFORE>,"log":{"file":{"path":P}[,"offset":O]}<AFTER>,"sluice":{"id":I,"shipped_at":S}}
 *
 * where BEFORE and AFTER are `,"name":value...` (either may be empty) and the same text
 * from line to line. `log` sits among the fields where the first field under `log.` put it:
 * the shipper's `log.offset` comes before `event.created`, so real envelopes have fields on
 * both sides. This reader takes that layout apart with searches and slices: the string
 * literals are sliced out (or JSON.parse'd on their own when they hold an escape), BEFORE
 * and AFTER are parsed once and copied while they repeat, and the record is built as
 * decodeJsonEvent builds it from the parsed object. Anything else (other whitespace,
 * another key order, a number JSON.parse would read differently, a field that shadows one
 * of the envelope's) returns undefined, and the caller decodes the payload the general
 * way. The property tests in envelope-reader.test.ts hold the two paths to the same
 * records and poison, and shipper.test.ts holds the shipper's envelopes to this path.
 */

const HEAD = '{"@timestamp":"';
const MESSAGE = ',"message":"';
const LOG = ',"log":{"file":{"path":"';
const OFFSET = ',"offset":';
const SLUICE = ',"sluice":{"id":"';
const SHIPPED_AT = ',"shipped_at":';

/**
 * What makes a JSON string literal's text differ from its value, or be invalid: read those
 * with JSON.parse. A quote is one of them: inside a literal it is always escaped.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const NOT_VERBATIM = /["\\\u0000-\u001f]/;

/** Envelope keys a field of the same name would shadow or be shadowed by in JSON.parse. */
const ENVELOPE_KEYS = new Set(['@timestamp', 'message', 'log', 'sluice', '__proto__']);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The last BEFORE and AFTER texts and what they parsed to (a field object per line is copied from it). */
interface FieldsCache {
  before: string;
  after: string;
  /** The parsed members with `log: null` between them, or null when they may not take this path (see fieldsFor). */
  fields: JsonObject | null;
  /** Copies `fields` for each record (repeated-json.ts). */
  copy: Copier;
}

export class EnvelopeReader {
  private cache: FieldsCache | undefined;

  /**
   * The record decodePayload would give for `payload` when it is a Sluice envelope in the
   * writer's layout; undefined for anything else (decode it the general way then).
   */
  read(payload: string, origin: string): InboundRecord | undefined {
    if (!payload.startsWith(HEAD)) return undefined;
    // @timestamp: not in the record, but it must be a valid string for the payload to parse.
    const timestampEnd = payload.indexOf('"', HEAD.length);
    if (timestampEnd < 0 || !verbatim(payload, HEAD.length, timestampEnd)) return undefined;
    if (!payload.startsWith(MESSAGE, timestampEnd + 1)) return undefined;
    const messageStart = timestampEnd + 1 + MESSAGE.length;

    // From the end: `,"sluice":{"id":"I","shipped_at":S}}`.
    const length = payload.length;
    if (payload.charCodeAt(length - 1) !== 0x7d || payload.charCodeAt(length - 2) !== 0x7d) return undefined;
    const shippedAtStart = payload.lastIndexOf(SHIPPED_AT);
    if (shippedAtStart < messageStart) return undefined;
    const shippedAt = whole(payload, shippedAtStart + SHIPPED_AT.length, length - 2);
    if (shippedAt < 0) return undefined;
    const sluiceStart = payload.lastIndexOf(SLUICE, shippedAtStart);
    if (sluiceStart < messageStart) return undefined;
    const idStart = sluiceStart + SLUICE.length;
    // The id literal runs to the `"` before `,"shipped_at":`; one with an escape or a quote in it goes the general way.
    const idEnd = shippedAtStart - 1;
    if (idEnd <= idStart || payload.charCodeAt(idEnd) !== 0x22 || !verbatim(payload, idStart, idEnd))
      return undefined;

    // `,"log":{"file":{"path":"P"}[,"offset":O]}` before it. The pattern cannot occur inside
    // a string literal (its quote after a comma would be escaped there); one inside a field's
    // object makes BEFORE or AFTER unbalanced, which fieldsFor refuses.
    const logStart = payload.lastIndexOf(LOG, sluiceStart);
    if (logStart < messageStart) return undefined;
    const pathStart = logStart + LOG.length;
    const pathEnd = literalEnd(payload, pathStart);
    if (pathEnd < 0 || pathEnd + 2 >= sluiceStart || payload.charCodeAt(pathEnd + 1) !== 0x7d)
      return undefined;
    const path = literal(payload, pathStart, pathEnd);
    if (path === undefined) return undefined;
    let offset = -1;
    let logEnd = pathEnd + 2;
    if (payload.charCodeAt(logEnd) !== 0x7d) {
      if (!payload.startsWith(OFFSET, logEnd)) return undefined;
      const digitsStart = logEnd + OFFSET.length;
      logEnd = payload.indexOf('}', digitsStart);
      if (logEnd < 0 || logEnd >= sluiceStart) return undefined;
      offset = whole(payload, digitsStart, logEnd);
      if (offset < 0) return undefined;
    }
    const afterStart = logEnd + 1;

    // The message literal, then BEFORE up to `,"log":`. While BEFORE and AFTER repeat, the
    // message ends where the remembered BEFORE begins (a quote there that is really inside
    // the message makes the literal invalid, which `literal` finds); else at its first
    // unescaped quote.
    let messageEnd = -1;
    let members: FieldsCache | undefined;
    const cached = this.cache;
    if (cached !== undefined && sluiceStart - afterStart === cached.after.length) {
      const at = logStart - cached.before.length;
      if (
        at > messageStart &&
        payload.charCodeAt(at - 1) === 0x22 &&
        payload.startsWith(cached.before, at) &&
        payload.startsWith(cached.after, afterStart)
      ) {
        messageEnd = at - 1;
        members = cached;
      }
    }
    if (messageEnd < 0) {
      messageEnd = literalEnd(payload, messageStart);
      if (messageEnd < 0 || messageEnd >= logStart) return undefined;
      if (messageEnd + 1 !== logStart || afterStart !== sluiceStart)
        members = this.fieldsFor(
          payload.slice(messageEnd + 1, logStart),
          payload.slice(afterStart, sluiceStart),
        );
    }
    if (members !== undefined && members.fields === null) return undefined;
    const line = literal(payload, messageStart, messageEnd);
    if (line === undefined) return undefined;
    const id = payload.slice(idStart, idEnd);

    // The copy has `log` in its place among the fields, as JSON.parse of the whole puts it.
    const fields = members === undefined ? {} : (members.copy(members.fields as JsonObject) as JsonObject);
    const log: JsonObject = { file: { path } };
    if (offset >= 0) log.offset = offset;
    fields.log = log;

    // As decodeJsonEvent builds a Sluice record: the same keys in the same order.
    const record = { id, line } as Mutable<InboundRecord>;
    record.source = path;
    if (offset >= 0) record.offset = offset;
    record.shippedAt = shippedAt;
    record.format = 'sluice';
    record.fields = fields;
    record.origin = origin;
    return record;
  }

  /**
   * BEFORE and AFTER (`,"a":1,"b":{...}`, either may be empty) parsed into one object with
   * `log: null` between them, and its copier, from the cache while the texts repeat;
   * `fields` null when they do not parse to members this path can copy: a syntax error or
   * an unbalanced half (a `"log"` inside a field's object split it), a name the envelope
   * also has (JSON.parse of the whole would merge or reorder), nesting past the depth
   * decodeJsonEvent refuses (the envelope's own objects nest three deep at most).
   */
  private fieldsFor(before: string, after: string): FieldsCache {
    const cached = this.cache;
    if (cached !== undefined && cached.before === before && cached.after === after) return cached;
    let fields: JsonObject | null = null;
    if (ownMembers(before) && ownMembers(after)) {
      const parsed = JSON.parse(
        `{${before.slice(1)}${before === '' ? '' : ','}"log":null${after}}`,
      ) as JsonObject;
      fields = exceedsDepth(parsed, DEFAULT_MAX_DEPTH) ? null : parsed;
    }
    const entry: FieldsCache = { before, after, fields, copy: fields === null ? noCopy : copierFor(fields) };
    this.cache = entry;
    return entry;
  }
}

/**
 * Whether `text` is empty or a list of members (`,"a":1,...`) that parses on its own and
 * names none of the envelope's keys. A comma with no member after it is a stray comma in
 * the envelope: not JSON.
 */
function ownMembers(text: string): boolean {
  if (text === '') return true;
  if (text.charCodeAt(0) !== 0x2c) return false;
  try {
    const parsed: unknown = JSON.parse(`{${text.slice(1)}}`);
    const keys = isPlainObject(parsed) ? Object.keys(parsed) : [];
    return keys.length > 0 && !keys.some((k) => ENVELOPE_KEYS.has(k));
  } catch {
    return false;
  }
}

const noCopy: Copier = (value) => value;

function isPlainObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Whether text[start, end) is a string literal's text that is its value: no quote, backslash or control character. */
function verbatim(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

/**
 * The whole number text[start, end) spells, as JSON.parse reads it: digits, no leading zero,
 * at most 15 of them (so exact); -1 for anything else (decoded the general way).
 */
function whole(text: string, start: number, end: number): number {
  const digits = end - start;
  if (digits < 1 || digits > 15 || (digits > 1 && text.charCodeAt(start) === 0x30)) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Where the string literal whose text starts at `start` (after its opening quote) ends:
 * the index of its closing quote, the first one not escaped by a backslash; -1 if none.
 */
function literalEnd(text: string, start: number): number {
  let at = text.indexOf('"', start);
  while (at >= 0) {
    let slashes = 0;
    for (let i = at - 1; i >= start && text.charCodeAt(i) === 0x5c; i--) slashes++;
    if ((slashes & 1) === 0) return at;
    at = text.indexOf('"', at + 1);
  }
  return -1;
}

/** The value of the literal between `start` and `end` (its quotes outside); undefined when it is not valid JSON. */
function literal(text: string, start: number, end: number): string | undefined {
  const inner = text.slice(start, end);
  if (!NOT_VERBATIM.test(inner)) return inner;
  try {
    return JSON.parse(text.slice(start - 1, end + 1)) as string;
  } catch {
    return undefined;
  }
}
