/**
 * What every date format shares: the parser type and its error, calendar validity, fixed
 * offsets and time zones (wall time to epoch ms), fractions of a second, and the ISO text of
 * an instant. The formats themselves are in date-format.ts (ISO8601, UNIX, TAI64N) and
 * date-joda.ts (Joda patterns).
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

export function fractionToMillis(digits: string): number {
  // "5" -> 500 ms, "123456" -> 123 ms: a fraction, truncated to what a date field keeps.
  return Math.floor(Number(digits.length >= 3 ? digits.slice(0, 3) : digits.padEnd(3, '0')));
}

/** `Z`, `+02`, `+0200`, `+02:00` -> minutes east of UTC (the regexes guarantee the shape). */
export function offsetMinutes(text: string): number {
  if (text.length === 1) return 0;
  const sign = text.charCodeAt(0) === 45 /* - */ ? -1 : 1;
  const hours = (text.charCodeAt(1) - 48) * 10 + (text.charCodeAt(2) - 48);
  if (text.length === 3) return sign * hours * 60;
  const m = text.length === 6 ? 4 : 3; // `+02:00` or `+0200`
  return sign * (hours * 60 + (text.charCodeAt(m) - 48) * 10 + (text.charCodeAt(m + 1) - 48));
}

/** The value of a run of ASCII digits (what the regexes captured), without Number()'s generality. */
export function digitsValue(text: string): number {
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

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function validDateTime(
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
  // "UTC" (every date processor's default zone) is valid in every ECMA-402 engine: answered
  // without Intl, whose first DateTimeFormat loads ICU's zone data (~30 ms CPU in each
  // parser worker at start-up, for a zone nothing then converts with).
  if (zone === 'UTC' || FIXED_OFFSET.test(zone)) return true;
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
export function localToUtc(zone: string): (wall: number) => number {
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
