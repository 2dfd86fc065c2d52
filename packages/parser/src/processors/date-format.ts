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

export interface DateParseOptions {
  /** IANA zone for formats without an offset; default UTC. */
  readonly timezone?: string;
  /** The clock used for year inference (formats without a year); default Date.now. */
  readonly now?: () => number;
}

/** Parses one value to epoch milliseconds, or returns undefined when it does not fit. */
export type DateParser = (value: string | number) => number | undefined;

export class DateFormatError extends Error {}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTHS_LONG = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const MONTH_INDEX = new Map<string, number>();
for (let i = 0; i < 12; i++) {
  for (const name of [MONTHS[i] as string, MONTHS_LONG[i] as string]) {
    // The spellings logs use, so the hot path rarely needs toLowerCase().
    MONTH_INDEX.set(name, i + 1);
    MONTH_INDEX.set(name.toUpperCase(), i + 1);
    MONTH_INDEX.set((name[0] as string).toUpperCase() + name.slice(1), i + 1);
  }
}
// "Sept" appears in some logs; harmless to accept.
MONTH_INDEX.set('sept', 9);

const DAYS = new Set(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
for (const d of ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']) DAYS.add(d);

/** Zone abbreviations `z` understands, in minutes east of UTC. Others are ambiguous. */
const ZONE_ABBREVIATIONS: Readonly<Record<string, number>> = {
  utc: 0,
  gmt: 0,
  ut: 0,
  z: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
};

/** The parts a format fills in; unset parts take defaults (month/day 1, time 0). */
interface Parts {
  year: number | undefined;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millis: number;
  pm: boolean | undefined;
  /** Minutes east of UTC, from the value itself. */
  offset: number | undefined;
  zone: string | undefined;
}

type Setter = (parts: Parts, text: string) => boolean;

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

function fractionToMillis(digits: string): number {
  // "5" -> 500 ms, "123456" -> 123 ms: a fraction, truncated to what a date field keeps.
  return Math.floor(Number(digits.length >= 3 ? digits.slice(0, 3) : digits.padEnd(3, '0')));
}

/** `Z`, `+02`, `+0200`, `+02:00` -> minutes east of UTC (the regexes guarantee the shape). */
function offsetMinutes(text: string): number {
  if (text.length === 1) return 0;
  const sign = text.charCodeAt(0) === 45 /* - */ ? -1 : 1;
  const hours = (text.charCodeAt(1) - 48) * 10 + (text.charCodeAt(2) - 48);
  if (text.length === 3) return sign * hours * 60;
  const m = text.length === 6 ? 4 : 3; // `+02:00` or `+0200`
  return sign * (hours * 60 + (text.charCodeAt(m) - 48) * 10 + (text.charCodeAt(m + 1) - 48));
}

/** The value of a run of ASCII digits (what the regexes captured), without Number()'s generality. */
function digitsValue(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) n = n * 10 + (text.charCodeAt(i) - 48);
  return n;
}

const TWO = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));

/**
 * Epoch milliseconds as `YYYY-MM-DDTHH:mm:ss.sssZ`, the same text as
 * `new Date(ms).toISOString()` for years 0-9999, without allocating a Date (this runs
 * once per event). Outside that range it falls back to Date.
 */
export function toIsoString(ms: number): string {
  if (!(ms >= -62167219200000 && ms < 253402300800000)) return new Date(ms).toISOString();
  const days = Math.floor(ms / 86_400_000);
  let rest = ms - days * 86_400_000;
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const millis = rest - second * 1000;
  // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const y = year < 1000 ? String(year).padStart(4, '0') : String(year);
  const mss = millis < 10 ? `00${millis}` : millis < 100 ? `0${millis}` : String(millis);
  return `${y}-${TWO[month]}-${TWO[day]}T${TWO[hour]}:${TWO[minute]}:${TWO[second]}.${mss}Z`;
}

interface Token {
  readonly letter: string | undefined;
  readonly count: number;
  readonly literal: string;
}

function tokenize(format: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < format.length) {
    const ch = format[i] as string;
    if (/[A-Za-z]/.test(ch)) {
      let j = i;
      while (format[j] === ch) j++;
      tokens.push({ letter: ch, count: j - i, literal: '' });
      i = j;
    } else if (ch === "'") {
      if (format[i + 1] === "'") {
        tokens.push({ letter: undefined, count: 0, literal: "'" });
        i += 2;
        continue;
      }
      const end = format.indexOf("'", i + 1);
      if (end < 0) throw new DateFormatError(`unterminated quote in date format "${format}"`);
      tokens.push({ letter: undefined, count: 0, literal: format.slice(i + 1, end) });
      i = end + 1;
    } else {
      tokens.push({ letter: undefined, count: 0, literal: ch });
      i++;
    }
  }
  return tokens;
}

const NUMERIC = new Set(['y', 'Y', 'd', 'H', 'h', 'm', 's', 'S']);
const isNumeric = (t: Token | undefined) =>
  t !== undefined && t.letter !== undefined && (NUMERIC.has(t.letter) || (t.letter === 'M' && t.count <= 2));
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function compileJoda(format: string, timezone: string, now: () => number): DateParser {
  const tokens = tokenize(format);
  let source = '^';
  const setters: Setter[] = [];
  let hasYear = false;
  let twoDigitYear = false;
  let hasHour12 = false;
  let hasAmPm = false;
  tokens.forEach((token, index) => {
    const { letter, count } = token;
    if (letter === undefined) {
      source += escapeRegex(token.literal);
      return;
    }
    const fixed = isNumeric(tokens[index + 1]);
    const digits = (min: number, max: number) => (fixed ? `(\\d{${count}})` : `(\\d{${min},${max}})`);
    const unsupported = () =>
      new DateFormatError(
        `unsupported date pattern letters "${letter.repeat(count)}" in "${format}"; supported: y yy yyyy M MM MMM MMMM d dd H HH h hh a m mm s ss S.. E EEE EEEE Z ZZ ZZZ z, or ISO8601, UNIX, UNIX_MS, TAI64N`,
      );
    switch (letter) {
      case 'y':
      case 'Y':
        hasYear = true;
        if (count === 2) {
          twoDigitYear = true;
          source += '(\\d{2})';
          setters.push((p, t) => {
            p.year = pivotYear(Number(t), now());
            return true;
          });
        } else {
          source += fixed ? `(\\d{${count}})` : '(\\d{4})';
          setters.push((p, t) => {
            p.year = digitsValue(t);
            return true;
          });
        }
        return;
      case 'M':
        if (count <= 2) {
          source += digits(1, 2);
          setters.push((p, t) => {
            p.month = digitsValue(t);
            return true;
          });
        } else {
          source += '([A-Za-z]{3,9})';
          setters.push((p, t) => {
            const month = MONTH_INDEX.get(t) ?? MONTH_INDEX.get(t.toLowerCase());
            if (month === undefined) return false;
            p.month = month;
            return true;
          });
        }
        return;
      case 'd':
        if (count > 2) throw unsupported();
        source += digits(1, 2);
        setters.push((p, t) => {
          p.day = digitsValue(t);
          return true;
        });
        return;
      case 'H':
      case 'h':
        if (count > 2) throw unsupported();
        if (letter === 'h') hasHour12 = true;
        source += digits(1, 2);
        setters.push((p, t) => {
          p.hour = digitsValue(t);
          return true;
        });
        return;
      case 'm':
        if (count > 2) throw unsupported();
        source += digits(1, 2);
        setters.push((p, t) => {
          p.minute = digitsValue(t);
          return true;
        });
        return;
      case 's':
        if (count > 2) throw unsupported();
        source += digits(1, 2);
        setters.push((p, t) => {
          p.second = digitsValue(t);
          return true;
        });
        return;
      case 'S':
        source += fixed ? `(\\d{${count}})` : '(\\d{1,9})';
        setters.push((p, t) => {
          p.millis = fractionToMillis(t);
          return true;
        });
        return;
      case 'a':
        hasAmPm = true;
        source += '([AaPp][Mm])';
        setters.push((p, t) => {
          p.pm = t[0] === 'P' || t[0] === 'p';
          return true;
        });
        return;
      case 'E':
        source += '([A-Za-z]{3,9})';
        setters.push((_p, t) => DAYS.has(t.toLowerCase()));
        return;
      case 'Z':
        if (count <= 2) {
          source += '(Z|[+-]\\d{2}:?\\d{2})';
          setters.push((p, t) => {
            p.offset = offsetMinutes(t);
            return true;
          });
        } else {
          source += '([A-Za-z_]+(?:/[A-Za-z0-9_+-]+)*)';
          setters.push((p, t) => {
            if (!isValidTimeZone(t)) return false;
            p.zone = t;
            return true;
          });
        }
        return;
      case 'z':
        source += '([A-Za-z]{1,4})';
        setters.push((p, t) => {
          const offset = ZONE_ABBREVIATIONS[t.toLowerCase()];
          if (offset === undefined) return false;
          p.offset = offset;
          return true;
        });
        return;
      default:
        throw unsupported();
    }
  });
  if (setters.length === 0) throw new DateFormatError(`date format "${format}" has no date or time fields`);
  if (hasHour12 && !hasAmPm)
    throw new DateFormatError(`date format "${format}" uses "h" (1-12) without "a" (AM/PM); use "H"`);
  const re = new RegExp(`${source}$`);
  const local = localToUtc(timezone);
  const zoned = new Map<string, (wall: number) => number | undefined>();
  // Lines of one second share their timestamp text, and reading it costs more than
  // comparing it: the last text and its result are remembered (Logstash's date filter
  // caches the same way). Only where the result depends on the text alone: a format
  // without a year, or with a two-digit one, reads the clock.
  const pure = hasYear && !twoDigitYear;
  let lastText: string | undefined;
  let lastResult: number | undefined;

  return (value) => {
    const text = typeof value === 'string' ? value : String(value);
    if (pure && text === lastText) return lastResult;
    const result = parseText(text);
    if (pure) {
      lastText = text;
      lastResult = result;
    }
    return result;
  };

  function parseText(text: string): number | undefined {
    const m = re.exec(text);
    if (!m) return undefined;
    const p: Parts = {
      year: undefined,
      month: 1,
      day: 1,
      hour: 0,
      minute: 0,
      second: 0,
      millis: 0,
      pm: undefined,
      offset: undefined,
      zone: undefined,
    };
    for (let i = 0; i < setters.length; i++) {
      if (!(setters[i] as Setter)(p, m[i + 1] as string)) return undefined;
    }
    if (p.pm !== undefined) {
      if (p.hour < 1 || p.hour > 12) return undefined;
      p.hour = (p.hour % 12) + (p.pm ? 12 : 0);
    }
    const convert =
      p.offset !== undefined
        ? (wall: number) => wall - (p.offset as number) * 60_000
        : p.zone !== undefined
          ? zonedConverter(zoned, p.zone)
          : local;
    if (hasYear) {
      const year = p.year as number;
      if (!validDateTime(year, p.month, p.day, p.hour, p.minute, p.second)) return undefined;
      return convert(Date.UTC(year, p.month - 1, p.day, p.hour, p.minute, p.second, p.millis));
    }
    return inferYear(p, convert, now());
  }
}

function zonedConverter(
  cache: Map<string, (wall: number) => number | undefined>,
  zone: string,
): (wall: number) => number | undefined {
  let convert = cache.get(zone);
  if (!convert) {
    convert = localToUtc(zone);
    if (cache.size < 64) cache.set(zone, convert);
  }
  return convert;
}

/**
 * How far in the future a date without a year may lie and still be taken as this year's
 * (or, around New Year, next year's): one day. That absorbs any UTC offset (at most 14 h)
 * of a source whose zone was not configured, and shipper clocks that run a little ahead;
 * anything later is read as last year's, because logs arrive after they were written.
 */
export const YEAR_INFERENCE_FUTURE_MARGIN_MS = 86_400_000;

/**
 * Syslog-style dates carry no year. Take the most recent year that does not put the date
 * more than YEAR_INFERENCE_FUTURE_MARGIN_MS after now:
 * - usually the current year ("Jan 15" read in November is this January, not next);
 * - last year when this year's date is still ahead ("Dec 31" read on 1 January);
 * - next year only for a date just past New Year read just before it (a clock ahead);
 * - for Feb 29, the latest leap year that qualifies.
 */
function inferYear(
  p: Parts,
  convert: (wall: number) => number | undefined,
  nowMs: number,
): number | undefined {
  const limit = nowMs + YEAR_INFERENCE_FUTURE_MARGIN_MS;
  const thisYear = new Date(nowMs).getUTCFullYear();
  // Next year can only qualify within a day (plus a zone offset) of New Year.
  const first =
    Date.UTC(thisYear + 1, 0, 1) <= limit + YEAR_INFERENCE_FUTURE_MARGIN_MS ? thisYear + 1 : thisYear;
  // Eight years back always holds a leap year (2100 is not one), for Feb 29.
  for (let year = first; year >= thisYear - 8; year--) {
    if (!validDateTime(year, p.month, p.day, p.hour, p.minute, p.second)) continue;
    const ms = convert(Date.UTC(year, p.month - 1, p.day, p.hour, p.minute, p.second, p.millis));
    if (ms !== undefined && ms <= limit) return ms;
  }
  return undefined;
}

function pivotYear(twoDigits: number, nowMs: number): number {
  // Joda's default pivot: the 100-year window [now - 50, now + 49].
  const current = new Date(nowMs).getUTCFullYear();
  const low = current - 50;
  const century = Math.floor(low / 100) * 100;
  let year = century + twoDigits;
  if (year < low) year += 100;
  return year;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDateTime(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): boolean {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return false;
  if (day > (DAYS_IN_MONTH[month - 1] as number)) return false;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return false;
  return true;
}

const zoneValidity = new Map<string, boolean>();

export function isValidTimeZone(zone: string): boolean {
  if (FIXED_OFFSET.test(zone)) return true;
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      valid = true;
    } catch {
      valid = false;
    }
    if (zoneValidity.size < 1024) zoneValidity.set(zone, valid);
  }
  return valid;
}

/**
 * A fixed offset as a zone (`+01:00`, `-0200`, `+05`): what Filebeat's add_locale writes
 * to `event.timezone` and Elasticsearch's date processor accepts, which Intl does not.
 */
const FIXED_OFFSET = /^[+-]\d{2}(?::?\d{2})?$/;

const QUARTER_HOUR = 15 * 60_000;

/**
 * Converts a wall-clock time in `zone` (expressed as if it were UTC) to epoch ms. Zone
 * offsets come from Intl and are cached per quarter hour of UTC time (every real zone
 * changes offset only on quarter-hour boundaries), so the Intl cost is paid rarely.
 * In a DST overlap the earlier instant wins; a time inside a DST gap moves forward.
 */
function localToUtc(zone: string): (wall: number) => number {
  if (zone === 'UTC' || zone === 'Etc/UTC' || zone === 'GMT') return (wall) => wall;
  if (FIXED_OFFSET.test(zone)) {
    const offset = offsetMinutes(zone) * 60_000;
    return (wall) => wall - offset;
  }
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const cache = new Map<number, number>();
  const offsetAt = (utc: number): number => {
    const bucket = Math.floor(utc / QUARTER_HOUR);
    let offset = cache.get(bucket);
    if (offset === undefined) {
      const at = bucket * QUARTER_HOUR;
      const f: Record<string, number> = {};
      for (const part of format.formatToParts(at))
        if (part.type !== 'literal') f[part.type] = Number(part.value);
      const wall = Date.UTC(f.year as number, (f.month as number) - 1, f.day, f.hour, f.minute, f.second);
      offset = wall - at;
      if (cache.size > 4096) cache.clear();
      cache.set(bucket, offset);
    }
    return offset;
  };
  const DAY = 86_400_000;
  return (wall) => {
    // At most one transition lies within a day of any wall time, so the offsets a day
    // before and a day after are the only candidates.
    const before = offsetAt(wall - DAY);
    const after = offsetAt(wall + DAY);
    if (before === after) return wall - before;
    const early = wall - before;
    const late = wall - after;
    const earlyOk = early + offsetAt(early) === wall;
    const lateOk = late + offsetAt(late) === wall;
    if (earlyOk && lateOk) return Math.min(early, late);
    if (earlyOk) return early;
    if (lateOk) return late;
    return early; // in the gap: the pre-transition offset moves the time forward
  };
}
