import { ConfigError } from '../errors.js';

/**
 * The value rules every Sluice config shares: one integer range rule, one choice rule, one
 * true/false rule, one duration parser, one size parser. Schemas (./schema.ts), broker URL options, indexer options and command-line flags
 * all use these, so `5s` and `64KiB` mean the same thing everywhere.
 */

/** A value as a message quotes it: strings in quotes, the rest as JSON. */
export function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/**
 * A whole number within [min, max] from a number or a decimal string (URL query values and
 * command-line flags are strings); undefined when it is none.
 */
export function integerInRange(raw: unknown, min: number, max: number): number | undefined {
  const value =
    typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  return Number.isInteger(value) && value >= min && value <= max ? value : undefined;
}

export interface IntegerRule {
  readonly min: number;
  readonly max: number;
  /**
   * How the message says the range: `between` ("must be an integer between 1 and 64", options
   * given to a library or a URL) or `from` ("must be a whole number from 1 to 64", what users
   * write in files and flags).
   */
  readonly wording?: 'between' | 'from';
  /** Quote the value as given (`got "0"`), as for text from a URL or a flag. Default: as JSON. */
  readonly quote?: boolean;
}

/** "must be a whole number from 1 to 64, got 0": the predicate of a range message, without the key. */
export function integerProblem(raw: unknown, rule: IntegerRule): string {
  const got = rule.quote ? `"${String(raw)}"` : rule.wording === 'between' ? String(raw) : show(raw);
  return rule.wording === 'between'
    ? `must be an integer between ${rule.min} and ${rule.max}, got ${got}`
    : `must be a whole number from ${rule.min} to ${rule.max}, got ${got}`;
}

/** Reads a whole number in range, or throws a ConfigError naming `key`, the value and the range. */
export function readInteger(key: string, raw: unknown, rule: IntegerRule): number {
  const value = integerInRange(raw, rule.min, rule.max);
  if (value === undefined) throw new ConfigError(`${key} ${integerProblem(raw, rule)}`);
  return value;
}

/**
 * A number within [min, max], fractions allowed (a timeout of 1.5 ms is fine), or a ConfigError
 * naming `key`: "must be between 1 and 64, got 0".
 */
export function readNumber(key: string, raw: number, min: number, max: number): number {
  if (!Number.isFinite(raw) || raw < min || raw > max) {
    throw new ConfigError(`${key} must be between ${min} and ${max}, got ${raw}`);
  }
  return raw;
}

/** How a problem message shows the value and what it adds. */
export interface QuoteRule {
  /** Quote the value as given (`got "x"`), as for text from a URL, a flag or the environment. Default: as JSON. */
  readonly quote?: boolean;
  /** The value as the message shows it, instead of either (a secret is shown masked). */
  readonly shown?: string;
  /** What the user can do about it, shown under the message. */
  readonly hint?: string;
}

function shownOf(raw: unknown, rule: QuoteRule): string {
  return rule.shown ?? (rule.quote ? `"${String(raw)}"` : show(raw));
}

/**
 * "must be one of a, b, got X", or undefined for one of `choices`: the predicate of a choice
 * message, without the key. `quoted` writes the choices as "a", "b" (processor options have
 * always been written so).
 */
export function choiceProblem(
  raw: unknown,
  choices: readonly string[],
  rule: QuoteRule & { readonly quoted?: boolean } = {},
): string | undefined {
  if (typeof raw === 'string' && choices.includes(raw)) return undefined;
  const listed = rule.quoted ? choices.map((c) => `"${c}"`) : choices;
  return `must be one of ${listed.join(', ')}, got ${shownOf(raw, rule)}`;
}

/** "must be true or false, got X", or undefined for a boolean: the predicate of a flag message. */
export function booleanProblem(raw: unknown, rule: QuoteRule = {}): string | undefined {
  return typeof raw === 'boolean' ? undefined : `must be true or false, got ${shownOf(raw, rule)}`;
}

/**
 * "must be a number between MIN and MAX, got X", or undefined for a finite number in range
 * (fractions too; a number written as text is not one, as in files where YAML types values).
 */
export function numberProblem(
  raw: unknown,
  min: number,
  max: number,
  rule: QuoteRule = {},
): string | undefined {
  return typeof raw === 'number' && Number.isFinite(raw) && raw >= min && raw <= max
    ? undefined
    : `must be a number between ${min} and ${max}, got ${shownOf(raw, rule)}`;
}

/** One of a fixed set of words, or a ConfigError naming `key`, the choices and the value. */
export function readChoice<const T extends string>(
  key: string,
  raw: unknown,
  choices: readonly T[],
  rule: QuoteRule = {},
): T {
  if (typeof raw === 'string' && (choices as readonly string[]).includes(raw)) return raw as T;
  throw new ConfigError(`${key} ${choiceProblem(raw, choices, rule)}`, rule.hint ? { hint: rule.hint } : {});
}

/**
 * true or false, from a boolean or the text `true`/`false` (and `1`/`0` where `digits` says
 * so, as URL query flags allow), or a ConfigError naming `key`.
 */
export function readBoolean(
  key: string,
  raw: unknown,
  rule: QuoteRule & { readonly digits?: boolean } = {},
): boolean {
  if (raw === true || raw === 'true' || (rule.digits && raw === '1')) return true;
  if (raw === false || raw === 'false' || (rule.digits && raw === '0')) return false;
  throw new ConfigError(`${key} ${booleanProblem(raw, rule)}`, rule.hint ? { hint: rule.hint } : {});
}

const DURATION_UNITS_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
/** `250ms`, `5s`, `2m`, `1h`, `1.5s` or a bare number (whose unit the caller decides). */
export const DURATION_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m|h)?\\s*$';
const DURATION_RE = new RegExp(DURATION_PATTERN);

/**
 * Milliseconds from a duration: a number, or text with a unit. A bare number is in
 * `bareUnit` (milliseconds in config files, seconds for command-line timeouts); undefined
 * when the text is not a duration.
 */
export function durationMs(raw: unknown, bareUnit: 'ms' | 's' = 'ms'): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw * DURATION_UNITS_MS[bareUnit] : undefined;
  if (typeof raw !== 'string') return undefined;
  const m = DURATION_RE.exec(raw);
  if (!m) return undefined;
  const unit = (m[2] as keyof typeof DURATION_UNITS_MS | undefined) ?? bareUnit;
  return Number.parseFloat(raw.trim()) * DURATION_UNITS_MS[unit];
}

/** The predicate of a duration message for `raw`, or undefined when it is a duration within range. */
export function durationProblem(raw: unknown, minMs: number, maxMs: number): string | undefined {
  const ms = durationMs(raw);
  if (ms === undefined) return `must be a duration like 250ms, 5s or 2m, got ${show(raw)}`;
  if (ms < minMs || ms > maxMs) return `must be between ${minMs}ms and ${maxMs}ms, got ${show(raw)}`;
  return undefined;
}

/** `250ms`, `5s`, `2m`, `1h` or a number of ms, within [minMs, maxMs]; throws a ConfigError naming `key`. */
export function parseDuration(raw: unknown, key: string, minMs: number, maxMs: number): number {
  const problem = durationProblem(raw, minMs, maxMs);
  if (problem !== undefined) throw new ConfigError(`${key} ${problem}`);
  return durationMs(raw) as number;
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
};
/** `64KiB`, `1MiB`, `1GiB`, `10MB` or a bare number of bytes. */
export const SIZE_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*([Bb]|[KkMmGg][Ii]?[Bb])?\\s*$';
const SIZE_RE = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|KB|MB|GB)?$/i;

/** Bytes from a size: a number, or text with a unit; undefined when it is not a size. */
export function sizeBytes(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw !== 'string') return undefined;
  const m = SIZE_RE.exec(raw.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (SIZE_UNITS[(m[2] ?? 'B').toLowerCase()] ?? 1));
}

/** The predicate of a size message for `raw`, or undefined when it is a size within range. */
export function sizeProblem(raw: unknown, min: number, max: number): string | undefined {
  const bytes = sizeBytes(raw);
  if (bytes === undefined) return `must be a size like 64KiB or 1MiB, got ${show(raw)}`;
  if (bytes < min || bytes > max) return `must be between ${min} and ${max} bytes, got ${show(raw)}`;
  return undefined;
}

/** `64KiB`, `1MiB`, `1GiB` or a number of bytes, within [min, max]; throws a ConfigError naming `key`. */
export function parseSize(raw: unknown, key: string, min: number, max: number): number {
  const problem = sizeProblem(raw, min, max);
  if (problem !== undefined) throw new ConfigError(`${key} ${problem}`);
  return sizeBytes(raw) as number;
}
