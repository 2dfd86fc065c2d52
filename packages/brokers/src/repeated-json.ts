import { cloneJson, type JsonValue } from '@sluice/core';

/**
 * JSON.parse for text that repeats from one payload to the next (the fields a shipper adds
 * to every line of a file: host, agent, the read's time), the result a fresh copy each time:
 * the pipeline owns and changes what a record carries. Copying the last result costs a
 * fraction of parsing the text again (measured with benchmarks/consumer on Kafka: the
 * `x-sluice-fields` header of every message).
 */
export class RepeatedJson {
  private text: string | undefined;
  private value: JsonValue = null;
  private copy: Copier = cloneJson;

  /** `JSON.parse(text)`, the same value and key order; throws what JSON.parse throws. */
  parse(text: string): JsonValue {
    if (text !== this.text) {
      this.value = JSON.parse(text) as JsonValue;
      this.text = text;
      this.copy = copierFor(this.value);
    }
    return this.copy(this.value);
  }
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
