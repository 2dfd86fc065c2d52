import {
  DateFormatError,
  type DateParser,
  digitsValue,
  fractionToMillis,
  isValidTimeZone,
  localToUtc,
  offsetMinutes,
  validDateTime,
} from './date-time.js';

/*
 * Joda-style patterns as Logstash writes them (the letters understood are listed in
 * date-format.ts): the pattern is tokenized, each letter becomes one capture group of an
 * anchored RegExp plus a setter that fills in the parts, and the parts become epoch ms in
 * the value's own zone or the configured one. Dates without a year get one (inferYear).
 */

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

export function compileJoda(format: string, timezone: string, now: () => number): DateParser {
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
  // Without a year (syslog), the text alone gives the parts but the year is inferred from
  // the clock at each call: the last text's parts are remembered, not its result.
  const pure = hasYear && !twoDigitYear;
  const yearless = !hasYear;
  let lastText: string | undefined;
  let lastResult: number | undefined;
  let lastParts: YearlessParts | undefined;
  const inferred: InferredRange = { from: 0, until: 0, ms: undefined };

  return (value) => {
    const text = typeof value === 'string' ? value : String(value);
    if (pure && text === lastText) return lastResult;
    if (yearless && text === lastText) {
      if (lastParts === undefined) return undefined;
      // The year is the clock's; the last inference holds while the clock stays in its range.
      const nowMs = now();
      if (nowMs >= inferred.from && nowMs < inferred.until) return inferred.ms;
      return inferYear(lastParts.p, lastParts.convert, nowMs, inferred);
    }
    const result = parseText(text);
    if (pure || yearless) {
      lastText = text;
      lastResult = result;
    }
    return result;
  };

  function parseText(text: string): number | undefined {
    lastParts = undefined;
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
    lastParts = { p, convert };
    return inferYear(p, convert, now(), inferred);
  }
}

/** What a year-less date's text gives before its year is inferred (see compileJoda). */
interface YearlessParts {
  readonly p: Parts;
  readonly convert: (wall: number) => number | undefined;
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
  range?: InferredRange,
): number | undefined {
  const limit = nowMs + YEAR_INFERENCE_FUTURE_MARGIN_MS;
  const thisYear = new Date(nowMs).getUTCFullYear();
  // The clocks for which every comparison below comes out the same, hence the result:
  // narrowed by each decision that depends on nowMs.
  let from = Date.UTC(thisYear, 0, 1);
  let until = Date.UTC(thisYear + 1, 0, 1);
  // Next year can only qualify within a day (plus a zone offset) of New Year.
  const nextYearFrom = Date.UTC(thisYear + 1, 0, 1) - 2 * YEAR_INFERENCE_FUTURE_MARGIN_MS;
  const first = nowMs >= nextYearFrom ? thisYear + 1 : thisYear;
  if (first > thisYear) from = Math.max(from, nextYearFrom);
  else until = Math.min(until, nextYearFrom);
  let result: number | undefined;
  // Eight years back always holds a leap year (2100 is not one), for Feb 29.
  for (let year = first; year >= thisYear - 8; year--) {
    if (!validDateTime(year, p.month, p.day, p.hour, p.minute, p.second)) continue;
    const ms = convert(Date.UTC(year, p.month - 1, p.day, p.hour, p.minute, p.second, p.millis));
    if (ms === undefined) continue;
    // ms <= limit exactly while nowMs >= ms - margin.
    if (ms <= limit) {
      from = Math.max(from, ms - YEAR_INFERENCE_FUTURE_MARGIN_MS);
      result = ms;
      break;
    }
    until = Math.min(until, ms - YEAR_INFERENCE_FUTURE_MARGIN_MS);
  }
  if (range !== undefined) {
    range.from = from;
    range.until = until;
    range.ms = result;
  }
  return result;
}

/** An inferred date and the clocks [from, until) for which inferYear gives it again. */
interface InferredRange {
  from: number;
  until: number;
  ms: number | undefined;
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
