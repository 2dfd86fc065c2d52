import { ConfigError } from './errors.js';
import { getField, type JsonObject } from './event.js';

/**
 * Index names from a template evaluated against each event, Logstash style:
 *
 * - `%{+yyyy.MM.dd}`: the event's `@timestamp` (ISO string or epoch ms), in UTC, formatted
 *   with Joda-style letters: `yyyy`/`yy` year, `xxxx` ISO week-year, `ww` ISO week, `MM` month,
 *   `dd` day, `HH` hour, `mm` minute, `ss` second. Other characters are copied.
 * - `%{[service][name]}` or `%{service.name}`: a field of the event.
 *
 * Fallbacks (documented, never an exception per event, because one odd event must not
 * stop a pipeline): a missing, empty or non-scalar field is replaced by `missing`
 * (default `unknown`); a missing or unparseable `@timestamp` uses the current time.
 *
 * Elasticsearch index names must be lowercase, without `\ / * ? " < > | , # :` or spaces,
 * must not start with `_ - +`, and are at most 255 bytes. Field values are lowercased and
 * invalid characters replaced by `_`; the static text of the template is checked once
 * when compiling, and a template that can never give a valid name is a ConfigError.
 */
export interface IndexNameOptions {
  /** Replaces a missing field. Default `unknown`. */
  readonly missing?: string;
  /** Clock for events without a usable `@timestamp`. Default `Date.now`. */
  readonly now?: () => number;
}

export type IndexNameFn = (event: JsonObject) => string;

const INVALID = /[\\/*?"<>|,#:\s]/g;
const INVALID_STATIC = /[\\/*?"<>|,#:\s]/;
/**
 * The first 10 characters of a timestamp name its UTC day only in ISO form; other strings
 * that `Date.parse` accepts (`Wed, 01 May 2024 10:00:00 Z`) would share a key across days.
 * Checked when a key is stored, so a cache hit never pays for it.
 */
const DAY_KEY = /^\d{4}-\d\d-\d\d$/;

type Part =
  | { kind: 'text'; text: string }
  | { kind: 'field'; path: string }
  | { kind: 'date'; format: DateToken[] };
type DateToken = { kind: 'text'; text: string } | { kind: 'token'; letter: string; width: number };

function tokenizeDate(format: string): DateToken[] {
  const tokens: DateToken[] = [];
  for (let i = 0; i < format.length; ) {
    const ch = format[i] as string;
    let j = i;
    while (format[j] === ch) j++;
    if ('yxwMdHms'.includes(ch)) tokens.push({ kind: 'token', letter: ch, width: j - i });
    else if (ch === 'Y') tokens.push({ kind: 'token', letter: 'y', width: j - i });
    else tokens.push({ kind: 'text', text: format.slice(i, j) });
    i = j;
  }
  return tokens;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** ISO-8601 week number and week-year of a UTC date. */
function isoWeek(date: Date): { week: number; year: number } {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  return { week: Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7), year: d.getUTCFullYear() };
}

function formatDate(ms: number, tokens: readonly DateToken[]): string {
  const date = new Date(ms);
  let out = '';
  for (const t of tokens) {
    if (t.kind === 'text') {
      out += t.text;
      continue;
    }
    switch (t.letter) {
      case 'y': {
        const year = date.getUTCFullYear();
        out += t.width === 2 ? pad(year % 100, 2) : pad(year, t.width);
        break;
      }
      case 'x':
        out += t.width === 2 ? pad(isoWeek(date).year % 100, 2) : pad(isoWeek(date).year, t.width);
        break;
      case 'w':
        out += pad(isoWeek(date).week, t.width);
        break;
      case 'M':
        out += pad(date.getUTCMonth() + 1, t.width);
        break;
      case 'd':
        out += pad(date.getUTCDate(), t.width);
        break;
      case 'H':
        out += pad(date.getUTCHours(), t.width);
        break;
      case 'm':
        out += pad(date.getUTCMinutes(), t.width);
        break;
      case 's':
        out += pad(date.getUTCSeconds(), t.width);
        break;
    }
  }
  return out;
}

function parseTemplate(template: string): Part[] {
  const parts: Part[] = [];
  const re = /%\{([^}]*)\}/g;
  let last = 0;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    if (m.index > last) parts.push({ kind: 'text', text: template.slice(last, m.index) });
    const inner = (m[1] as string).trim();
    if (inner.startsWith('+')) {
      if (inner.length === 1)
        throw new ConfigError(`index name "${template}" has an empty date format %{+}`, {
          hint: 'for example: logs-%{+yyyy.MM.dd}',
        });
      parts.push({ kind: 'date', format: tokenizeDate(inner.slice(1)) });
    } else {
      if (!inner)
        throw new ConfigError(`index name "${template}" has an empty field reference %{}`, {
          hint: 'for example: %{[service][name]}-%{+yyyy.MM}',
        });
      parts.push({ kind: 'field', path: inner });
    }
    last = m.index + m[0].length;
  }
  if (last < template.length) parts.push({ kind: 'text', text: template.slice(last) });
  return parts;
}

function sanitise(value: string): string {
  return value.toLowerCase().replace(INVALID, '_');
}

/**
 * Whether a template reads event fields besides `@timestamp` (`%{[service][name]}`): when
 * it does not, an event's index name follows from its `@timestamp` alone, and a worker
 * writing documents without building them (parser/src/pool/direct.ts) can name the index.
 * Call it on a template compileIndexName accepted.
 */
export function indexNameReadsFields(template: string): boolean {
  return parseTemplate(template).some((part) => part.kind === 'field');
}

export function compileIndexName(template: string, options: IndexNameOptions = {}): IndexNameFn {
  if (!template)
    throw new ConfigError('index name must not be empty', { hint: 'for example: logs-%{+yyyy.MM.dd}' });
  const parts = parseTemplate(template);
  for (const part of parts) {
    if (part.kind === 'text' && INVALID_STATIC.test(part.text)) {
      throw new ConfigError(
        `index name "${template}" contains a character Elasticsearch refuses (\\ / * ? " < > | , # : or space)`,
        {
          hint: 'use letters, digits, - _ . and %{...} references',
        },
      );
    }
  }
  for (const part of parts) {
    // Elasticsearch refuses uppercase names; lowercasing them silently would log and
    // document one name while writing another.
    if (part.kind === 'text' && /[A-Z]/.test(part.text)) {
      throw new ConfigError(
        `index name "${template}" has uppercase letters; Elasticsearch index names are lowercase`,
        {
          hint: `use "${template.replace(/%\{[^}]*\}|%|[^%]+/g, (m) => (m.startsWith('%{') ? m : m.toLowerCase()))}"`,
        },
      );
    }
  }
  const first = parts[0];
  if (first?.kind === 'text' && /^[_\-+]/.test(first.text)) {
    throw new ConfigError(`index name "${template}" must not start with _, - or +`);
  }
  const missing = sanitise(options.missing ?? 'unknown');
  const now = options.now ?? Date.now;
  const onlyStatic = parts.every((p) => p.kind === 'text');
  if (onlyStatic) {
    const fixed = template.toLowerCase();
    return () => fixed;
  }
  // Per-day cache: most events of a batch share the day, and formatting dates per event
  // shows up in profiles. Only for UTC ISO strings and formats coarser than a day.
  const dailyOnly = parts.every(
    (p) => p.kind !== 'date' || p.format.every((t) => t.kind === 'text' || 'yxwMd'.includes(t.letter)),
  );
  const cache = new Map<string, string>();

  // A template of text and daily dates only (`logs-%{+yyyy.MM.dd}`, the default) gives the
  // same final name for every event of a day, so cache the name itself: lowercasing,
  // trimming and the byte-length check cost more per event than the date cache saves.
  // Only timestamps that parse are cached, so an unparseable one still takes `now()`.
  if (dailyOnly && parts.every((p) => p.kind !== 'field')) {
    const names = new Map<string, string>();
    const slow = (event: JsonObject): string => finish(build(event));
    return (event) => {
      const ts = event['@timestamp'];
      if (typeof ts !== 'string' || ts.length < 20 || !ts.endsWith('Z')) return slow(event);
      const key = ts.slice(0, 10);
      const hit = names.get(key);
      if (hit !== undefined) return hit;
      if (!DAY_KEY.test(key) || !Number.isFinite(Date.parse(ts))) return slow(event);
      const name = slow(event);
      if (names.size > 64) names.clear();
      names.set(key, name);
      return name;
    };
  }
  return (event) => finish(build(event));

  function build(event: JsonObject): string {
    let out = '';
    for (const part of parts) {
      if (part.kind === 'text') out += part.text;
      else if (part.kind === 'field') {
        const value = getField(event, part.path);
        out +=
          typeof value === 'string' && value !== ''
            ? sanitise(value)
            : typeof value === 'number' || typeof value === 'boolean'
              ? String(value)
              : missing;
      } else {
        const ts = event['@timestamp'];
        let key: string | undefined;
        if (dailyOnly && typeof ts === 'string' && ts.length >= 20 && ts.endsWith('Z')) {
          key = ts.slice(0, 10);
          const hit = cache.get(key);
          if (hit !== undefined) {
            out += hit;
            continue;
          }
        }
        let ms = typeof ts === 'number' ? ts : typeof ts === 'string' ? Date.parse(ts) : Number.NaN;
        // A time taken from the clock is not the key's day: never cache it.
        if (!Number.isFinite(ms)) {
          ms = now();
          key = undefined;
        }
        const formatted = formatDate(ms, part.format);
        if (key !== undefined && DAY_KEY.test(key)) {
          if (cache.size > 64) cache.clear();
          cache.set(key, formatted);
        }
        out += formatted;
      }
    }
    return out;
  }

  function finish(raw: string): string {
    let out = raw.toLowerCase().replace(/^[_\-+]+/, '');
    if (out === '' || out === '.' || out === '..') out = missing;
    // 255 bytes; names are ASCII after sanitising except for non-ASCII field values.
    while (Buffer.byteLength(out) > 255) out = out.slice(0, -1);
    return out;
  }
}
