import { addTag, fieldPath, getField, type JsonValue, setField } from '@sluice/core';
import { type Processor, type ProcessorFactory, withOptions } from '../processor.js';
import { isFieldPath, OptionReader } from './options.js';

export const DISSECT_FAILURE_TAG = '_dissectfailure';

/** The options it reads (its OptionReader's list, published in the pipeline JSON Schema). */
const DISSECT_OPTIONS = [
  'pattern',
  'field',
  'target',
  'append_separator',
  'convert',
  'tag_on_failure',
] as const;

/**
 * `dissect`: splits a field on literal delimiters, no regex (Elastic/Logstash dissect).
 *
 * Pattern syntax: literal text between keys is a delimiter, matched left to right with
 * plain string search.
 *   %{field}       capture into `field` (dotted or [bracket] names)
 *   %{+field}      append to `field` with `append_separator`; `%{+field/2}` sets the order
 *   %{?name} %{}   match and skip
 *   %{field->}     right padding: the delimiter after this key may repeat (aligned columns)
 *   %{*key} %{&key}  reference: the `*` capture names the field, the `&` capture is its value
 *
 * Options:
 *   pattern           required
 *   field             source field; default "message"
 *   target            object to write captures under; default: the event root
 *   append_separator  default " "
 *   convert           { capturedField: int | float | boolean } applied after a match
 *   tag_on_failure    default ["_dissectfailure"]
 *
 * A failed match writes nothing (all or nothing) and adds the failure tags; a missing or
 * non-string source field is a failure too.
 */
export const dissect: ProcessorFactory = withOptions(DISSECT_OPTIONS, (options, context): Processor => {
  const o = new OptionReader(options, context, DISSECT_OPTIONS);
  const patternText = o.requiredString('pattern', 'a dissect pattern such as "%{a} %{b}"');
  const source = fieldPath(o.field('field', 'message'));
  const target = o.field('target');
  const separator = o.string('append_separator', ' ');
  const tags = o.failureTags(DISSECT_FAILURE_TAG);
  let pattern: DissectPattern;
  try {
    pattern = parseDissectPattern(patternText);
  } catch (error) {
    throw o.error(`"pattern" ${(error as Error).message}`);
  }
  const convert = new Map<string, Converter>();
  const conversions = o.mapping('convert', 'a mapping of field names to int, float or boolean');
  for (const [name, type] of Object.entries(conversions ?? {})) {
    const fn =
      type === 'int' ? toInt : type === 'float' ? toFloat : type === 'boolean' ? toBoolean : undefined;
    if (!fn) throw o.invalid(`convert.${name}`, 'one of "int", "float", "boolean"', type);
    convert.set(name, fn);
  }
  const prefix = target === undefined ? [] : fieldPath(target);
  const matcher = compileMatcher(pattern, separator);
  // Paths of the names written in the pattern, split once; names taken from data
  // (%{*key}) are split per event.
  const paths = new Map<string, string[]>();
  for (const key of pattern.keys) {
    if (key.kind === 'normal' || key.kind === 'append') paths.set(key.name, [...prefix, ...toPath(key.name)]);
  }

  return {
    name: 'dissect',
    apply(event) {
      const value = getField(event, source);
      const captures = typeof value === 'string' ? matcher(value) : undefined;
      if (captures === undefined) {
        for (const tag of tags) addTag(event, tag);
        return event;
      }
      for (const [name, text] of captures) {
        const conv = convert.get(name);
        const out: JsonValue = conv ? conv(text) : text;
        setField(event, paths.get(name) ?? [...prefix, ...toPath(name)], out);
      }
      return event;
    },
  };
});

const toPath = (name: string): string[] => (isFieldPath(name) ? fieldPath(name) : [name]);

type Converter = (text: string) => JsonValue;
const toInt: Converter = (t) => {
  const n = Number.parseInt(t, 10);
  return Number.isNaN(n) ? t : n;
};
const toFloat: Converter = (t) => {
  const n = Number.parseFloat(t);
  return Number.isNaN(n) ? t : n;
};
const toBoolean: Converter = (t) =>
  /^(true|yes|1|on)$/i.test(t) ? true : /^(false|no|0|off)$/i.test(t) ? false : t;

export type DissectKind = 'normal' | 'append' | 'skip' | 'refName' | 'refValue';

export interface DissectKey {
  readonly kind: DissectKind;
  readonly name: string;
  readonly padding: boolean;
  /** `/n` ordinal of an append key, or its position when absent. */
  readonly order: number;
  /** The literal text that ends this key's value; "" for the last key (takes the rest). */
  readonly delimiter: string;
}

export interface DissectPattern {
  readonly prefix: string;
  readonly keys: readonly DissectKey[];
}

/** Parses a dissect pattern; throws an Error whose message reads after `"pattern" `. */
export function parseDissectPattern(pattern: string): DissectPattern {
  const re = /%\{([^}]*)\}/g;
  const keys: Omit<DissectKey, 'delimiter'>[] = [];
  const delimiters: string[] = [];
  let last = 0;
  let prefix = '';
  let m: RegExpExecArray | null = re.exec(pattern);
  if (m === null) throw new Error(`has no %{key}: ${JSON.stringify(pattern)}`);
  while (m !== null) {
    const literal = pattern.slice(last, m.index);
    if (keys.length === 0) prefix = literal;
    else {
      if (literal === '') {
        throw new Error(
          `has two keys with no delimiter between them near "%{${m[1]}}": ${JSON.stringify(pattern)}`,
        );
      }
      delimiters.push(literal);
    }
    keys.push(parseKey(m[1] as string, keys.length));
    last = m.index + m[0].length;
    m = re.exec(pattern);
  }
  delimiters.push(pattern.slice(last));
  if (pattern.slice(last).includes('%{')) throw new Error(`has an unclosed %{: ${JSON.stringify(pattern)}`);
  const refNames = keys.filter((k) => k.kind === 'refName').map((k) => k.name);
  const refValues = keys.filter((k) => k.kind === 'refValue').map((k) => k.name);
  for (const name of new Set([...refNames, ...refValues])) {
    if (!refNames.includes(name) || !refValues.includes(name)) {
      throw new Error(
        `has %{*${name}} without %{&${name}} or the other way round: ${JSON.stringify(pattern)}`,
      );
    }
  }
  return { prefix, keys: keys.map((k, i) => ({ ...k, delimiter: delimiters[i] as string })) };
}

function parseKey(body: string, position: number): Omit<DissectKey, 'delimiter'> {
  let text = body;
  let padding = false;
  if (text.endsWith('->')) {
    padding = true;
    text = text.slice(0, -2);
  }
  if (text === '' || text === '?') return { kind: 'skip', name: '', padding, order: position };
  const modifier = text[0];
  let kind: DissectKind = 'normal';
  if (modifier === '+') kind = 'append';
  else if (modifier === '?') kind = 'skip';
  else if (modifier === '*') kind = 'refName';
  else if (modifier === '&') kind = 'refValue';
  if (kind !== 'normal') text = text.slice(1);
  let order = position;
  const slash = /^(.*)\/(\d+)$/.exec(text);
  if (slash && kind === 'append') {
    text = slash[1] as string;
    order = Number(slash[2]);
  }
  if (text === '' && kind !== 'skip') throw new Error(`has a key with a modifier but no name: %{${body}}`);
  return { kind, name: text, padding, order };
}

/** Returns [field, value] pairs in write order, or undefined when the text does not fit. */
function compileMatcher(
  pattern: DissectPattern,
  separator: string,
): (text: string) => [string, string][] | undefined {
  const { prefix, keys } = pattern;
  const appendNames = new Set(keys.filter((k) => k.kind === 'append').map((k) => k.name));
  const hasAppend = appendNames.size > 0;
  const hasRef = keys.some((k) => k.kind === 'refName');
  const count = keys.length;
  return (text) => {
    if (!text.startsWith(prefix)) return undefined;
    let pos = prefix.length;
    const values: string[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const key = keys[i] as DissectKey;
      const delimiter = key.delimiter;
      if (delimiter === '') {
        values[i] = text.slice(pos);
        pos = text.length;
        continue;
      }
      const end = text.indexOf(delimiter, pos);
      if (end < 0) return undefined;
      values[i] = text.slice(pos, end);
      pos = end + delimiter.length;
      if (key.padding) while (text.startsWith(delimiter, pos)) pos += delimiter.length;
    }
    const out: [string, string][] = [];
    const appends = hasAppend ? new Map<string, { order: number; value: string }[]>() : undefined;
    const refNames = hasRef ? new Map<string, string>() : undefined;
    const refValues = hasRef ? new Map<string, string>() : undefined;
    for (let i = 0; i < count; i++) {
      const key = keys[i] as DissectKey;
      const value = values[i] as string;
      switch (key.kind) {
        case 'normal':
        case 'append': {
          // A plain key of a field that is also appended to takes part in the append.
          if (key.kind === 'normal' && !appendNames.has(key.name)) {
            out.push([key.name, value]);
            break;
          }
          const list = appends?.get(key.name);
          if (list) list.push({ order: key.order, value });
          else appends?.set(key.name, [{ order: key.order, value }]);
          break;
        }
        case 'refName':
          refNames?.set(key.name, value);
          break;
        case 'refValue':
          refValues?.set(key.name, value);
          break;
        default:
          break;
      }
    }
    if (appends) {
      for (const [name, parts] of appends) {
        parts.sort((a, b) => a.order - b.order);
        out.push([name, parts.map((p) => p.value).join(separator)]);
      }
    }
    if (refNames && refValues) {
      for (const [key, name] of refNames) if (name !== '') out.push([name, refValues.get(key) ?? '']);
    }
    return out;
  };
}
