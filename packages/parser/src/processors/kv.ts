import { fieldPath, getField, type JsonValue, setField } from '@sluice/core';
import { type Processor, type ProcessorFactory, withOptions } from '../processor.js';
import { OptionReader } from './options.js';

/** The options it reads (its OptionReader's list, published in the pipeline JSON Schema). */
const KV_OPTIONS = [
  'field',
  'field_split',
  'value_split',
  'trim_key',
  'trim_value',
  'include_keys',
  'exclude_keys',
  'prefix',
  'target',
  'allow_duplicate_values',
] as const;

/**
 * `kv`: splits `key=value` pairs (Logstash kv semantics).
 *
 * Options:
 *   field                   source field; default "message"
 *   field_split             characters that separate pairs, each one on its own; default " "
 *   value_split             characters that separate a key from its value; default "="
 *   trim_key / trim_value   characters stripped from both ends of keys / values; default none
 *   include_keys            only keep these keys; default all
 *   exclude_keys            drop these keys; default none
 *   prefix                  prepended to every key; default ""
 *   target                  object to write pairs under; default: the event root
 *   allow_duplicate_values  a repeated key collects its values in a list (true) or keeps
 *                           the last one (false); default true
 *
 * A value may be quoted with "..." or '...' (or wrapped in (), [], <>) to contain field
 * separators; the quotes are removed. Keys are written as literal names (a key "a.b" is
 * one field, not a path), so data never decides the event's shape beyond one level.
 * Text without pairs adds nothing and is not a failure.
 */
export const kv: ProcessorFactory = withOptions(KV_OPTIONS, (options, context): Processor => {
  const o = new OptionReader(options, context, KV_OPTIONS);
  const source = fieldPath(o.field('field', 'message'));
  const fieldSplit = new Set(nonEmptyChars(o, 'field_split', ' '));
  const valueSplit = new Set(nonEmptyChars(o, 'value_split', '='));
  for (const ch of valueSplit) {
    if (fieldSplit.has(ch))
      throw o.error(`"value_split" and "field_split" share the character ${JSON.stringify(ch)}`);
  }
  const trimKey = new Set(o.string('trim_key', ''));
  const trimValue = new Set(o.string('trim_value', ''));
  const include = o.stringList('include_keys');
  const includeSet = include === undefined ? undefined : new Set(include);
  const exclude = new Set(o.stringList('exclude_keys') ?? []);
  const prefix = o.string('prefix', '');
  const targetName = o.field('target');
  const target = targetName === undefined ? [] : fieldPath(targetName);
  const duplicates = o.boolean('allow_duplicate_values', true);

  return {
    name: 'kv',
    apply(event) {
      const text = getField(event, source);
      if (typeof text !== 'string') return event;
      const pairs = scanPairs(text, fieldSplit, valueSplit);
      if (pairs.length === 0) return event;
      const seen = new Map<string, JsonValue>();
      for (const [rawKey, rawValue] of pairs) {
        const key = trim(rawKey, trimKey);
        if (key === '' || (includeSet && !includeSet.has(key)) || exclude.has(key)) continue;
        const value = trim(rawValue, trimValue);
        const name = prefix + key;
        const previous = seen.get(name);
        if (previous !== undefined && duplicates) {
          if (Array.isArray(previous)) previous.push(value);
          else seen.set(name, [previous, value]);
        } else {
          seen.set(name, value);
        }
      }
      for (const [name, value] of seen) setField(event, [...target, name], value);
      return event;
    },
  };
});

function nonEmptyChars(o: OptionReader, key: string, fallback: string): string[] {
  const value = o.string(key, fallback);
  if (value === '') throw o.invalid(key, 'one or more separator characters', value);
  return [...value];
}

const CLOSERS: Readonly<Record<string, string>> = { '"': '"', "'": "'", '(': ')', '[': ']', '<': '>' };

/** One linear pass over the text; never backtracks, so any input is safe. */
export function scanPairs(
  text: string,
  fieldSplit: ReadonlySet<string>,
  valueSplit: ReadonlySet<string>,
): [string, string][] {
  const pairs: [string, string][] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && fieldSplit.has(text[i] as string)) i++;
    const keyStart = i;
    while (i < n && !fieldSplit.has(text[i] as string) && !valueSplit.has(text[i] as string)) i++;
    if (i >= n || fieldSplit.has(text[i] as string)) continue; // a word without a value
    const key = text.slice(keyStart, i);
    i++; // the value separator
    const open = text[i] as string | undefined;
    const close = open === undefined ? undefined : CLOSERS[open];
    if (close !== undefined) {
      const end = text.indexOf(close, i + 1);
      if (end >= 0) {
        pairs.push([key, text.slice(i + 1, end)]);
        i = end + 1;
        continue;
      }
    }
    const valueStart = i;
    while (i < n && !fieldSplit.has(text[i] as string)) i++;
    pairs.push([key, text.slice(valueStart, i)]);
  }
  return pairs;
}

function trim(text: string, chars: ReadonlySet<string>): string {
  if (chars.size === 0) return text;
  let start = 0;
  let end = text.length;
  while (start < end && chars.has(text[start] as string)) start++;
  while (end > start && chars.has(text[end - 1] as string)) end--;
  return text.slice(start, end);
}
