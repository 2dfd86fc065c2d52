/**
 * A compiler for date formats: each format is turned once into one anchored RegExp plus
 * a small table of field setters, so parsing a value is a single regex exec and a few
 * integer conversions (this is on the hot path of nearly every pipeline).
 *
 * Supported formats:
 *  - Joda-style patterns as Logstash writes them: `dd/MMM/yyyy:HH:mm:ss Z`,
 *    `MMM  d HH:mm:ss`, `yyyy-MM-dd HH:mm:ss,SSS`, `EEE MMM dd HH:mm:ss yyyy`, ...
 *  - `ISO8601`: `2024-05-01T12:34:56.789Z`, `...+02:00`, `...+0200`, a space instead of
 *    `T`, a comma before the fraction, no zone (then the `timezone` option applies).
 *  - `UNIX` (seconds, fractions allowed), `UNIX_MS` (milliseconds), `TAI64N`
 *    (`@4000000037c219bf2ef02e94`, converted without leap-second correction, as Logstash does).
 *
 * Joda letters understood: y/Y/yyyy (year), yy (two-digit year, pivoting around the
 * current year), M/MM (month number), MMM/MMMM (English month name, short or long),
 * d/dd (day), H/HH (hour 0-23), h/hh (hour 1-12, with `a`), a (AM/PM), m/mm, s/ss,
 * S... (fraction of second, up to 9 digits, kept to milliseconds), E/EEE/EEEE (English
 * day name, checked and otherwise ignored), Z/ZZ (offset `+0200`, `+02:00` or `Z`),
 * ZZZ (IANA zone id such as `Europe/Berlin`), z (`UTC`, `GMT`, `UT`, `Z` or a US zone
 * abbreviation). Text in single quotes is literal (`'T'`), `''` is a quote, and every
 * other non-letter is literal. Numeric fields accept one or two digits (`d` and `dd`
 * both match `3` and `03`) unless the next field is numeric too (`yyyyMMdd`), where
 * the field's width is fixed by its letter count.
 */

import { compileJoda } from './date-joda.js';
import {
  DateFormatError,
  type DateParseOptions,
  type DateParser,
  fractionToMillis,
  isValidTimeZone,
  localToUtc,
  offsetMinutes,
  validDateTime,
} from './date-time.js';

export { YEAR_INFERENCE_FUTURE_MARGIN_MS } from './date-joda.js';
export {
  DateFormatError,
  type DateParseOptions,
  type DateParser,
  isValidTimeZone,
  toIsoString,
} from './date-time.js';

/** Compiles a format (see module comment) into a parser. Throws DateFormatError for a bad format. */
export function compileDateFormat(format: string, options: DateParseOptions = {}): DateParser {
  const timezone = options.timezone ?? 'UTC';
  if (!isValidTimeZone(timezone)) throw new DateFormatError(`unknown time zone "${timezone}"`);
  const now = options.now ?? Date.now;
  switch (format) {
    case 'UNIX':
      return parseUnix(1000);
    case 'UNIX_MS':
      return parseUnix(1);
    case 'TAI64N':
      return parseTai64n;
    case 'ISO8601':
      return parseIso8601(timezone);
    default:
      return compileJoda(format, timezone, now);
  }
}

const UNIX_NUMBER = /^-?\d+(?:\.\d+)?$/;

function parseUnix(scale: number): DateParser {
  return (value) => {
    let n: number;
    if (typeof value === 'number') n = value;
    else {
      const text = value.trim();
      if (!UNIX_NUMBER.test(text)) return undefined;
      n = Number(text);
    }
    const ms = Math.round(n * scale);
    return Number.isFinite(ms) && Math.abs(ms) <= MAX_MS ? ms : undefined;
  };
}

/** The Date range ECMAScript can represent. */
const MAX_MS = 8.64e15;
const TAI64N = /^@?([0-9a-fA-F]{16})([0-9a-fA-F]{8})$/;
const TAI64_EPOCH = 1n << 62n;

function parseTai64n(value: string | number): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = TAI64N.exec(value.trim());
  if (!m) return undefined;
  const seconds = BigInt(`0x${m[1]}`) - TAI64_EPOCH;
  const nanos = Number.parseInt(m[2] as string, 16);
  if (nanos > 999_999_999) return undefined;
  const ms = Number(seconds) * 1000 + Math.floor(nanos / 1e6);
  return Math.abs(ms) <= MAX_MS ? ms : undefined;
}

const ISO8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

function parseIso8601(timezone: string): DateParser {
  const local = localToUtc(timezone);
  return (value) => {
    if (typeof value !== 'string') return undefined;
    const m = ISO8601.exec(value);
    if (!m) return undefined;
    const year = +(m[1] as string);
    const month = +(m[2] as string);
    const day = +(m[3] as string);
    const hour = m[4] === undefined ? 0 : +m[4];
    const minute = m[5] === undefined ? 0 : +m[5];
    const second = m[6] === undefined ? 0 : +m[6];
    const millis = m[7] === undefined ? 0 : fractionToMillis(m[7]);
    if (!validDateTime(year, month, day, hour, minute, second)) return undefined;
    const wall = Date.UTC(year, month - 1, day, hour, minute, second, millis);
    const zone = m[8];
    if (zone === undefined) return local(wall);
    return wall - offsetMinutes(zone) * 60_000;
  };
}
