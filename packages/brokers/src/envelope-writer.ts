import type { JsonObject, OutboundRecord } from '@sluice/core';
import { cachedIsoTime, sameKeys } from '@sluice/core';
import { writeJsonString } from './json-bytes.js';

/*
 * Writing the envelope is most of what a shipper spends per line on Redis (building the nested
 * object, then JSON.stringify walking it: 15% of its CPU). The object's shape depends only on
 * the names and order of the record's fields and on whether it has an offset, and those are
 * the same for every line of a file. So the writer builds the event once per shape with marker
 * strings in place of the values, stringifies that, and cuts the text at the markers: the
 * literal pieces between values. A line then costs one JSON.stringify of its text plus string
 * concatenation, and the bytes are those JSON.stringify of the object would give (wire tests
 * compare the two on awkward field sets; envelope-writer.test.ts holds the byte path to them).
 */

/** Value slots besides the fields (which are slots 0..n-1, in key order). */
const SLOT = { timestamp: -1, message: -2, source: -3, offset: -4, id: -5, shippedAt: -6 } as const;
/** Private-use characters: JSON.stringify leaves them as they are, so a marker is found verbatim. */
const MARK_OPEN = '\uE000';
const MARK_CLOSE = '\uE001';
const MARKER = new RegExp(`"${MARK_OPEN}(-?\\d+)${MARK_CLOSE}"`, 'g');
const mark = (slot: number) => `${MARK_OPEN}${slot}${MARK_CLOSE}`;

interface Template {
  readonly keys: readonly string[];
  readonly hasOffset: boolean;
  /** Literal text; `pieces[i]` comes before `slots[i]`, the last piece after the last slot. */
  readonly pieces: readonly string[];
  readonly slots: readonly number[];
  /** The byte path's plan (EventWriter.writeUtf8): runs of remembered text between changing values. */
  readonly segments: readonly Segment[];
}

/** Most shapes remembered per writer: a shipper has a handful (one per input kind and field set). */
const MAX_TEMPLATES = 64;

export class EventWriter {
  private readonly templates: Template[] = [];
  private last: Template | undefined;
  private readonly isoTime = cachedIsoTime();
  private lastShippedAt = Number.NaN;
  private lastTimestamp = '';

  constructor(private readonly build: (record: OutboundRecord, timestamp: string) => JsonObject) {}

  write(record: OutboundRecord): string {
    const fields = record.fields;
    const keys = fields === undefined ? NO_KEYS : Object.keys(fields);
    const hasOffset = record.offset !== undefined;
    const template = this.template(keys, hasOffset);
    if (template === undefined || (fields !== undefined && !plainValues(fields, keys)))
      return JSON.stringify(this.build(record, this.isoTime(record.shippedAt)));
    const { pieces, slots } = template;
    let out = pieces[0] as string;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i] as number;
      let value: string;
      if (slot >= 0) value = this.field(slot, (fields as Record<string, unknown>)[keys[slot] as string]);
      else if (slot === SLOT.message) value = JSON.stringify(record.line);
      else if (slot === SLOT.timestamp) value = this.timestamp(record.shippedAt);
      else if (slot === SLOT.source) value = JSON.stringify(record.source);
      else if (slot === SLOT.offset) value = JSON.stringify(record.offset);
      else if (slot === SLOT.id) value = JSON.stringify(record.id);
      else value = JSON.stringify(record.shippedAt);
      out += value + (pieces[i + 1] as string);
    }
    return out;
  }

  /*
   * The byte path: the same text as `write`, UTF-8-encoded straight into a caller's buffer (a
   * Redis command being built), without building the string first. Concatenating the pieces
   * made a rope that the encoder then had to flatten, and that copy, the rope's garbage and the
   * UTF-8 pass were most of a line's cost on Redis. Here the text between the values that change
   * on every line (message, id, offset) is kept as bytes, per run, while the values in it stay
   * the same (host, agent, path, timestamps, tags), and a line costs a copy of each run plus the
   * encoding of its changing values. The UTF-8 of a concatenation is the concatenation of the
   * parts' UTF-8: JSON text never ends inside a surrogate pair (JSON.stringify escapes lone ones).
   */
  private readonly runBytes: (Buffer | undefined)[] = [];
  private readonly runValues: unknown[][] = [];
  private readonly changing: (string | number)[] = [];

  /**
   * Writes the text `write(record)` would return, as UTF-8, into `out` from `at`; returns where
   * it ends, or -1 when it might not fit before `end` (nothing is promised about the bytes
   * then: the caller grows its buffer and asks again).
   */
  writeUtf8(record: OutboundRecord, out: Buffer, at: number, end: number): number {
    const fields = record.fields;
    const hasOffset = record.offset !== undefined;
    // The last shape's names, checked in one walk that also takes the values: an Object.keys
    // array per line was garbage, and each `fields[name]` load a lookup by a changing name.
    const values = this.values;
    let template = this.last;
    if (
      template === undefined ||
      template.hasOffset !== hasOffset ||
      !collect(fields, template.keys, values)
    ) {
      const keys = fields === undefined ? NO_KEYS : Object.keys(fields);
      template = this.template(keys, hasOffset);
      if (template === undefined || !collect(fields, keys, values))
        return writeText(this.write(record), out, at, end);
    }
    const { segments } = template;
    const changing = this.changing;
    const kinds = this.kinds;
    const bounds = this.bounds;
    let most = 0;
    for (let s = 0; s < segments.length; s++) {
      const segment = segments[s] as Segment;
      let bound: number;
      if (segment.run) bound = this.run(s, segment, template, record, values).length;
      else {
        // The values that change on every line (message, id, offset) are written straight into
        // `out`, strings by writeJsonString (json-bytes.ts) and whole numbers digit by digit.
        const value = slotValue(segment.slot, record, values);
        if (typeof value === 'string') {
          changing[s] = value;
          kinds[s] = QUOTED;
          // Its bytes without escapes: writeJsonString finds those, and is given only the room
          // the segments after it leave.
          bound = value.length * 3 + 2;
        } else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
          changing[s] = value;
          kinds[s] = WHOLE;
          bound = 16;
        } else {
          const text = JSON.stringify(value);
          changing[s] = text;
          kinds[s] = TEXT;
          bound = text.length * 3;
        }
      }
      bounds[s] = bound;
      most += bound;
    }
    if (at + most > end) return -1;
    // Bytes the segments after this one may need: written segments stayed within theirs.
    let rest = most;
    for (let s = 0; s < segments.length; s++) {
      rest -= bounds[s] as number;
      if ((segments[s] as Segment).run) {
        const bytes = this.runBytes[s] as Buffer;
        out.set(bytes, at);
        at += bytes.length;
        continue;
      }
      const kind = kinds[s];
      if (kind === QUOTED) {
        at = writeJsonString(changing[s] as string, out, at, end - rest);
        if (at < 0) return -1;
      } else if (kind === WHOLE) at = writeWhole(out, at, changing[s] as number);
      else at += out.write(changing[s] as string, at, 'utf8');
    }
    return at;
  }

  /** The field values of the current record, in its template's key order (collect fills it). */
  private readonly values: unknown[] = [];
  /** How each changing segment of the current record is written: QUOTED, WHOLE or TEXT. */
  private readonly kinds: number[] = [];
  /** Most bytes each segment of the current record may take (see writeUtf8). */
  private readonly bounds: number[] = [];

  /** A run's bytes: the remembered ones while its values are the same as when they were made. */
  private run(
    s: number,
    segment: RunSegment,
    template: Template,
    record: OutboundRecord,
    values: readonly unknown[],
  ): Buffer {
    const cached = this.runBytes[s];
    const remembered = this.runValues[s];
    if (cached !== undefined && remembered !== undefined) {
      let same = true;
      for (let k = 0; k < segment.slots.length && same; k++)
        same = sameValue(slotValue(segment.slots[k] as number, record, values), remembered[k]);
      if (same) return cached;
    }
    const fresh: unknown[] = [];
    let text = template.pieces[segment.first] as string;
    for (let k = 0; k < segment.slots.length; k++) {
      const slot = segment.slots[k] as number;
      const value = slotValue(slot, record, values);
      fresh.push(Array.isArray(value) ? [...value] : value);
      text +=
        (slot === SLOT.timestamp ? this.timestamp(value as number) : JSON.stringify(value)) +
        (template.pieces[segment.first + k + 1] as string);
    }
    const bytes = Buffer.from(text, 'utf8');
    this.runBytes[s] = bytes;
    this.runValues[s] = fresh;
    return bytes;
  }

  /** Field values repeat from line to line (host, agent, path): each slot keeps its last text. */
  private readonly lastValues: unknown[] = [];
  private readonly lastTexts: string[] = [];

  private field(slot: number, value: unknown): string {
    if (this.lastValues[slot] === value && typeof value !== 'object') return this.lastTexts[slot] as string;
    const text = JSON.stringify(value);
    this.lastValues[slot] = value;
    this.lastTexts[slot] = text;
    return text;
  }

  /** The quoted ISO time: the lines of one read share it, so it is formatted once. */
  private timestamp(ms: number): string {
    if (ms !== this.lastShippedAt) {
      this.lastTimestamp = JSON.stringify(this.isoTime(ms));
      this.lastShippedAt = ms;
    }
    return this.lastTimestamp;
  }

  private template(keys: readonly string[], hasOffset: boolean): Template | undefined {
    const last = this.last;
    if (last !== undefined && last.hasOffset === hasOffset && sameKeys(last.keys, keys)) return last;
    let found = this.templates.find((t) => t.hasOffset === hasOffset && sameKeys(t.keys, keys));
    if (found === undefined) {
      // A name with a marker character in it could be mistaken for a marker: such records
      // (and shapes past the cap) take the plain path.
      if (this.templates.length >= MAX_TEMPLATES || keys.some((k) => /[\uE000\uE001]/.test(k)))
        return undefined;
      found = compile(this.build, [...keys], hasOffset);
      this.templates.push(found);
    }
    if (found !== last) {
      // Slots are numbered per template: another template's remembered values do not apply.
      this.lastValues.length = 0;
      this.lastTexts.length = 0;
      this.runBytes.length = 0;
      this.runValues.length = 0;
    }
    this.last = found;
    return found;
  }
}

const NO_KEYS: readonly string[] = [];

/**
 * True when `fields` has exactly the names `keys`, in that order, and every value is plain
 * (see plainValues); their values are then in `values`. A for-in walk allocates nothing
 * where Object.keys made an array per line. It also yields inherited enumerable names, which
 * then do not match: such records take the Object.keys path.
 */
function collect(
  fields: Readonly<Record<string, unknown>> | undefined,
  keys: readonly string[],
  values: unknown[],
): boolean {
  if (fields === undefined) return keys.length === 0;
  let i = 0;
  for (const key in fields) {
    if (i >= keys.length || key !== keys[i]) return false;
    const v = fields[key];
    const t = typeof v;
    if (t !== 'string' && t !== 'number' && t !== 'boolean' && !Array.isArray(v)) return false;
    values[i++] = v;
  }
  return i === keys.length;
}

/** Kinds of changing values, by how they are written (EventWriter.writeUtf8). */
const QUOTED = 0;
const WHOLE = 1;
const TEXT = 2;

/** The decimal digits of a non-negative safe integer at `at` (JSON.stringify's text for it); returns the end. */
function writeWhole(out: Buffer, at: number, n: number): number {
  return writeDigits(out, at, n, digitCount(n));
}

/** How many decimal digits a non-negative safe integer has. */
export function digitCount(n: number): number {
  let digits = 1;
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  return digits;
}

/** The decimal digits of a non-negative safe integer (`digits` of them: digitCount) at `at`; returns the end. */
export function writeDigits(out: Buffer, at: number, n: number, digits: number): number {
  let i = at + digits;
  do {
    out[--i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  } while (n > 0);
  return at + digits;
}

/**
 * True when every value stringifies on its own as it does inside the object: strings,
 * numbers, booleans, arrays. `undefined` (which the object form leaves out) and objects
 * (which setField would walk into) take the plain path.
 */
function plainValues(fields: Readonly<Record<string, unknown>>, keys: readonly string[]): boolean {
  for (const key of keys) {
    const v = fields[key];
    const t = typeof v;
    if (t !== 'string' && t !== 'number' && t !== 'boolean' && !Array.isArray(v)) return false;
  }
  return true;
}

function compile(
  build: (record: OutboundRecord, timestamp: string) => JsonObject,
  keys: readonly string[],
  hasOffset: boolean,
): Template {
  const fields: Record<string, string> = {};
  keys.forEach((key, i) => {
    // setField creates own fields even for `__proto__`; so must the model record.
    Object.defineProperty(fields, key, {
      value: mark(i),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });
  const model = {
    id: mark(SLOT.id),
    line: mark(SLOT.message),
    source: mark(SLOT.source),
    ...(hasOffset ? { offset: mark(SLOT.offset) as unknown as number } : {}),
    shippedAt: mark(SLOT.shippedAt) as unknown as number,
    fields,
  } satisfies OutboundRecord;
  const text = JSON.stringify(build(model, mark(SLOT.timestamp)));
  const pieces: string[] = [];
  const slots: number[] = [];
  let from = 0;
  for (const m of text.matchAll(MARKER)) {
    pieces.push(text.slice(from, m.index));
    slots.push(Number(m[1]));
    from = (m.index as number) + m[0].length;
  }
  pieces.push(text.slice(from));
  return { keys, hasOffset, pieces, slots, segments: segmentsOf(pieces, slots) };
}

/** Slots whose value changes on every line: each is its own segment, never cached. */
const CHANGING: ReadonlySet<number> = new Set([SLOT.message, SLOT.id, SLOT.offset]);

/** Literal pieces `first`..`first + slots.length` with the values of `slots` between them. */
interface RunSegment {
  readonly run: true;
  readonly first: number;
  readonly slots: readonly number[];
}
type Segment = RunSegment | { readonly run: false; readonly slot: number };

function segmentsOf(pieces: readonly string[], slots: readonly number[]): Segment[] {
  // Run k takes pieces first..first + its slot count: one more piece than slots in all.
  if (pieces.length !== slots.length + 1)
    throw new Error('envelope template pieces and slots do not line up');
  const segments: Segment[] = [];
  let first = 0;
  let run: number[] = [];
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i] as number;
    if (!CHANGING.has(slot)) {
      run.push(slot);
      continue;
    }
    segments.push({ run: true, first, slots: run }, { run: false, slot });
    first = i + 1;
    run = [];
  }
  segments.push({ run: true, first, slots: run });
  return segments;
}

/**
 * A slot's value in a record (the timestamp slot's is the time it is formatted from); field
 * slots read `values`, the record's field values in template order (collect).
 */
function slotValue(slot: number, record: OutboundRecord, values: readonly unknown[]): unknown {
  if (slot >= 0) return values[slot];
  switch (slot) {
    case SLOT.message:
      return record.line;
    case SLOT.id:
      return record.id;
    case SLOT.source:
      return record.source;
    case SLOT.offset:
      return record.offset;
    default:
      return record.shippedAt; // SLOT.timestamp and SLOT.shippedAt
  }
}

/** Same JSON text: equal primitives, or arrays of equal primitives (field values never nest deeper). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return typeof a !== 'object' || a === null;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++)
    if (a[i] !== b[i] || (typeof a[i] === 'object' && a[i] !== null)) return false;
  return true;
}

/** A string's UTF-8 at `at`, or -1 when it might not fit before `end`. */
export function writeText(text: string, out: Buffer, at: number, end: number): number {
  if (at + text.length * 3 > end) return -1;
  return at + out.write(text, at, 'utf8');
}
