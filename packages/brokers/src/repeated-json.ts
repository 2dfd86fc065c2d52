import { cloneJson, type JsonObject, type JsonValue } from '@sluice/core';

/**
 * JSON.parse for text that repeats from one payload to the next (the fields a shipper adds
 * to every line of a file: host, agent, the read's time), the result a fresh copy each time:
 * the pipeline owns and changes what a record carries. Copying the last result costs a
 * fraction of parsing the text again (measured with benchmarks/consumer on Kafka: the
 * `x-sluice-fields` header of every message).
 *
 * That header ends with the line's own offset (`...,"log.offset":1234}`), so the whole text
 * never repeats: every line was parsed, its copier looked up by shape, and the parse and the
 * lookup were a tenth of a Kafka consumer's worker. So an object whose last member is a whole
 * number is also remembered without that member (its head): while the head repeats, the
 * result is a copy of the head's value with the number set last, which is where JSON.parse
 * puts it (or, when the head already has the key, in that key's place, as JSON.parse keeps a
 * duplicate key's first place and last value).
 */
export class RepeatedJson {
  private text: string | undefined;
  private value: JsonValue = null;
  private copy: Copier = cloneJson;
  /** The last head (text before `,"key":N}`), its key, and its value (undefined: not usable). */
  private head: string | undefined;
  private headKey = '';
  private headValue: JsonObject | undefined;
  private headCopy: Copier = cloneJson;

  /** `JSON.parse(text)`, the same value and key order; throws what JSON.parse throws. */
  parse(text: string): JsonValue {
    if (text === this.text) return this.copy(this.value);
    const member = trailingWholeMember(text);
    if (member !== undefined) {
      const { at, key, value } = member;
      if (
        this.headValue !== undefined &&
        at === (this.head as string).length &&
        key === this.headKey &&
        text.startsWith(this.head as string)
      ) {
        const copy = this.headCopy(this.headValue) as JsonObject;
        copy[key] = value;
        return copy;
      }
    }
    this.value = JSON.parse(text) as JsonValue;
    this.text = text;
    this.copy = copierFor(this.value);
    this.head = undefined;
    this.headValue = undefined;
    if (member !== undefined) this.rememberHead(text, member.at, member.key);
    return this.copy(this.value);
  }

  /** Parses text[0, at) + `}` (valid JSON since the whole was) as the head to copy. */
  private rememberHead(text: string, at: number, key: string): void {
    const head = text.slice(0, at);
    let value: JsonValue;
    try {
      value = JSON.parse(`${head}}`) as JsonValue;
    } catch {
      return; // `at` was inside a nested object: `{"a":{"b":1,"k":2}` cut short; not a head.
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
    this.head = head;
    this.headKey = key;
    this.headValue = value;
    this.headCopy = copierFor(value);
  }
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/**
 * The last member of `text` when it is `,"key":N}` at the very end, N a whole number written
 * as JSON writes one (no sign, no leading zero, at most 15 digits, so exact), the key without
 * escapes and not `__proto__` (which an assignment would not make an own member): where
 * the comma is, the key and N. The comma cannot be inside a string literal: there a quote
 * after it would be escaped.
 */
function trailingWholeMember(text: string): { at: number; key: string; value: number } | undefined {
  let i = text.length - 1;
  if (i < 0 || text.charCodeAt(i) !== 0x7d) return undefined; // }
  const digitsEnd = i;
  while (i > 0 && isDigit(text.charCodeAt(i - 1))) i--;
  const digits = digitsEnd - i;
  if (digits === 0 || digits > 15 || (digits > 1 && text.charCodeAt(i) === 0x30)) return undefined;
  if (text.charCodeAt(i - 1) !== 0x3a || text.charCodeAt(i - 2) !== 0x22) return undefined; // ":
  const keyEnd = i - 2;
  const quote = text.lastIndexOf('"', keyEnd - 1);
  if (quote < 1 || text.charCodeAt(quote - 1) !== 0x2c) return undefined; // ,"
  const key = text.slice(quote + 1, keyEnd);
  if (key.includes('\\') || key === '__proto__') return undefined;
  return { at: quote - 1, key, value: Number(text.slice(i, digitsEnd)) };
}

/** Copies values of one shape (see copierFor). */
export type Copier = (value: JsonValue) => JsonValue;

/**
 * A copier for values shaped like `value` (the same keys in the same order, the same kinds
 * of values under them), as cloneJson copies them: generated code of object literals with
 * constant keys, so that each copy is built with its final shape at once, where cloneJson's
 * stores by changing names went through V8's megamorphic path (a third of the envelope
 * reader's time). Kept per shape: the fields of a file's lines change values (the read's
 * time), not shape. cloneJson itself for the odd value (a `__proto__` key, which an
 * object literal would take as the prototype) and once MAX_COPIERS shapes are known.
 */
export function copierFor(value: JsonValue): Copier {
  if (value === null || typeof value !== 'object') return cloneJson;
  const signature = shapeOf(value, 0);
  if (signature === undefined) return cloneJson;
  let copier = copiers.get(signature);
  if (copier === undefined) {
    if (copiers.size >= MAX_COPIERS) return cloneJson;
    // Keys reach the code only as JSON string literals (which are JS string literals).
    copier = new Function('clone', `return function copy(v) { return ${copyExpression('v', value)}; };`)(
      cloneJson,
    ) as Copier;
    copiers.set(signature, copier);
  }
  return copier;
}

const MAX_COPIERS = 64;
const copiers = new Map<string, Copier>();
/** Deeper than this, the generated code calls cloneJson (fields nest a level or two). */
const MAX_COPY_DEPTH = 8;

/** The shape the generated code depends on; undefined when the value needs cloneJson. */
function shapeOf(value: JsonValue, depth: number): string | undefined {
  if (value === null || typeof value !== 'object') return 'v';
  if (Array.isArray(value)) return 'a';
  if (depth >= MAX_COPY_DEPTH) return 'c';
  let out = '{';
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return undefined;
    const inner = shapeOf(value[key] as JsonValue, depth + 1);
    if (inner === undefined) return undefined;
    out += `${JSON.stringify(key)}:${inner},`;
  }
  return `${out}}`;
}

function copyExpression(path: string, value: JsonValue, depth = 0): string {
  if (value === null || typeof value !== 'object') return path;
  // Arrays and what lies deeper: their length and contents may differ within a shape.
  if (Array.isArray(value) || depth >= MAX_COPY_DEPTH) return `clone(${path})`;
  const members = Object.keys(value).map((key) => {
    const name = JSON.stringify(key);
    return `${name}: ${copyExpression(`${path}[${name}]`, value[key] as JsonValue, depth + 1)}`;
  });
  return `{${members.join(', ')}}`;
}
