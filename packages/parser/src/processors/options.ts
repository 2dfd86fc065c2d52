import {
  booleanProblem,
  ConfigError,
  choiceProblem,
  fieldPath,
  type JsonValue,
  numberProblem,
  redactConfig,
} from '@sluice/core';
import type { ProcessorContext } from '../processor.js';

/**
 * Reads and validates one processor's options. Every failure is a ConfigError whose
 * message starts with `context.where` and names the key, the value it got and what would
 * be valid, e.g. `pipeline.yaml:7: processor 3 (date): "formats" must be a non-empty list
 * of date formats, got "abc"`. Unknown keys are errors too (a typo must not silently
 * disable an option), listing the known ones.
 */
export class OptionReader {
  private readonly values: Readonly<Record<string, unknown>>;

  constructor(
    options: unknown,
    readonly context: ProcessorContext,
    known: readonly string[],
  ) {
    if (options === null || options === undefined) {
      this.values = {};
    } else if (typeof options !== 'object' || Array.isArray(options)) {
      throw this.error(`options must be a mapping of ${listOf(known)}, got ${describe(options)}`);
    } else {
      this.values = options as Record<string, unknown>;
    }
    for (const key of Object.keys(this.values)) {
      if (!known.includes(key)) {
        throw this.error(
          `unknown option "${key}"; valid options: ${known.length > 0 ? known.join(', ') : '(none)'}`,
        );
      }
    }
  }

  /** A ConfigError whose message starts with the processor's location. */
  error(message: string, hint?: string): ConfigError {
    return new ConfigError(`${this.context.where}: ${message}`, hint === undefined ? {} : { hint });
  }

  has(key: string): boolean {
    return this.values[key] !== undefined;
  }

  raw(key: string): unknown {
    return this.values[key];
  }

  string(key: string, fallback: string): string;
  string(key: string, fallback?: undefined): string | undefined;
  string(key: string, fallback?: string): string | undefined {
    const value = this.values[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'string') throw this.invalid(key, 'a string', value);
    return value;
  }

  requiredString(key: string, what = 'a non-empty string'): string {
    const value = this.values[key];
    if (typeof value !== 'string' || value === '') throw this.invalid(key, what, value);
    return value;
  }

  /** A field path (`a.b.c` or `[a][b][c]`), validated so a malformed one fails at load time. */
  field(key: string, fallback: string): string;
  field(key: string, fallback?: undefined): string | undefined;
  field(key: string, fallback?: string): string | undefined {
    const value = this.values[key];
    if (value === undefined) return fallback;
    return this.checkField(key, value);
  }

  requiredField(key: string): string {
    if (this.values[key] === undefined) throw this.invalid(key, 'a field name such as "message"', undefined);
    return this.checkField(key, this.values[key]);
  }

  private checkField(key: string, value: unknown): string {
    if (typeof value !== 'string' || value === '' || !isFieldPath(value)) {
      throw this.invalid(key, 'a field name such as "message" or "http.request.method"', value);
    }
    return value;
  }

  // Typed values are judged by core's value rules (@sluice/core config/values.ts), the same
  // predicates the declared config schemas use; only the quoting of the value is ours (masked).

  boolean(key: string, fallback: boolean): boolean {
    const value = this.values[key];
    if (value === undefined) return fallback;
    this.check(key, booleanProblem(value, { shown: this.shown(key, value) }));
    return value as boolean;
  }

  number(key: string, fallback: number, min: number, max: number): number {
    const value = this.values[key];
    if (value === undefined) return fallback;
    this.check(key, numberProblem(value, min, max, { shown: this.shown(key, value) }));
    return value as number;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const value = this.values[key];
    if (value === undefined) return fallback;
    this.check(key, choiceProblem(value, allowed, { quoted: true, shown: this.shown(key, value) }));
    return value as T;
  }

  /** Throws `"key" <problem>` when a value rule found one. */
  private check(key: string, problem: string | undefined): void {
    if (problem !== undefined) throw this.error(`"${key}" ${problem}`);
  }

  /** A list of strings; a single string is accepted as a list of one (Logstash does the same). */
  stringList(
    key: string,
    options: { readonly nonEmpty?: boolean; readonly what?: string } = {},
  ): string[] | undefined {
    const value = this.values[key];
    const what = options.what ?? 'strings';
    const expected = options.nonEmpty ? `a non-empty list of ${what}` : `a list of ${what}`;
    if (value === undefined) {
      if (options.nonEmpty) throw this.invalid(key, expected, value);
      return undefined;
    }
    const list = typeof value === 'string' && !options.nonEmpty ? [value] : value;
    if (!Array.isArray(list) || list.some((item) => typeof item !== 'string'))
      throw this.invalid(key, expected, value);
    if (options.nonEmpty && list.length === 0) throw this.invalid(key, expected, value);
    return list as string[];
  }

  fieldList(key: string, options: { readonly nonEmpty?: boolean } = {}): string[] | undefined {
    const list = this.stringList(key, { ...options, what: 'field names' });
    if (list === undefined) return undefined;
    const bad = list.find((f) => f === '' || !isFieldPath(f));
    if (bad !== undefined)
      throw this.invalid(key, 'a list of field names such as ["message"]', this.values[key]);
    return list;
  }

  /** A mapping of string keys to JSON values (e.g. mutate `add`). */
  mapping(key: string, what = 'a mapping'): Record<string, JsonValue> | undefined {
    const value = this.values[key];
    if (value === undefined) return undefined;
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw this.invalid(key, what, value);
    return value as Record<string, JsonValue>;
  }

  /** A JavaScript regular expression, compiled once here so a bad one fails at load time. */
  regex(key: string, source: unknown, flags = ''): RegExp {
    if (typeof source !== 'string') throw this.invalid(key, 'a regular expression string', source);
    try {
      return new RegExp(source, flags);
    } catch (error) {
      throw this.error(
        `"${key}" is not a valid regular expression: ${describe(source)} (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }

  /** The `tag_on_failure` option shared by processors that can fail on data. */
  failureTags(fallback: string): string[] {
    const value = this.values.tag_on_failure;
    if (value === undefined) return [fallback];
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || list.some((t) => typeof t !== 'string' || t === '')) {
      throw this.invalid('tag_on_failure', 'a tag or a list of tags', value);
    }
    return list as string[];
  }

  invalid(key: string, expected: string, value: unknown): ConfigError {
    return this.error(`"${key}" must be ${expected}, got ${this.shown(key, value)}`);
  }

  /** The value as a message quotes it; under a secret-looking key (hash_secret, password, token...) never printed. */
  private shown(key: string, value: unknown): string {
    return describe((redactConfig({ [key]: value }) as Record<string, unknown>)[key]);
  }
}

/**
 * A short, single-line rendering of a config value for error messages, with secrets
 * (values under secret-looking keys, passwords in URLs) masked.
 */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(redactConfig(value)) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function isFieldPath(path: string): boolean {
  if (path.startsWith('[')) return /^(\[[^\][]+\])+$/.test(path);
  try {
    return fieldPath(path).every((part) => part !== '');
  } catch {
    return false;
  }
}

function listOf(known: readonly string[]): string {
  return known.length > 0 ? known.join(', ') : 'nothing ({})';
}
