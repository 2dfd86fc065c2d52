import type { JsonObject, JsonValue } from '@sluice/core';
import type { CaptureType } from './translate.js';

export interface ApplierCapture {
  readonly group: number;
  readonly path: readonly string[];
  readonly type: CaptureType | undefined;
}

/** Writes the captures of a match into an event; returns how many fields it set. */
export type Applier = (target: JsonObject, m: RegExpExecArray) => number;

/** Same result as `Number.parseInt(v, 10)`, or `v` itself when that is NaN. */
function slowInt(v: string): number | string {
  const x = Number.parseInt(v, 10);
  return Number.isNaN(x) ? v : x;
}

/**
 * `Number.parseInt(v, 10)` (the value itself when that is NaN), without the builtin for
 * the usual case: an optional `-` and at most 15 digits, which a loop reads exactly (below
 * 2^53). parseInt on a fresh substring costs more than the regex match of a short field.
 */
export function toInt(v: string): number | string {
  const len = v.length;
  if (len === 0 || len > 16) return slowInt(v);
  let i = v.charCodeAt(0) === 45 ? 1 : 0;
  if (i === len || len - i > 15) return slowInt(v);
  let n = 0;
  for (; i < len; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return slowInt(v);
    n = n * 10 + d;
  }
  // `-0` stays -0, as parseInt gives it.
  return v.charCodeAt(0) === 45 ? -n : n;
}

/**
 * `Number.parseFloat(v)` (the value itself when that is NaN). Integers take `toInt`'s loop;
 * a plain decimal (`-`? digits `.` digits) is read by `+v`, which agrees with parseFloat on
 * that syntax; anything else (exponents, trailing text, spaces, Infinity) goes to parseFloat.
 */
export function toFloat(v: string): number | string {
  const len = v.length;
  let dot = -1;
  for (let i = 0; i < len; i++) {
    const c = v.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    if (c === 45 && i === 0) continue;
    if (c === 46 && dot < 0) {
      dot = i;
      continue;
    }
    dot = -2;
    break;
  }
  if (dot === -1 && len > 0) return toInt(v);
  if (dot >= 0) {
    const x = +v;
    if (!Number.isNaN(x)) return x;
  }
  const x = Number.parseFloat(v);
  return Number.isNaN(x) ? v : x;
}

/**
 * A second capture of a field in one match, as Logstash's grok handles it: a string value
 * becomes an array of both values, an array gets the value appended, anything else (a
 * number from a typed capture) is kept as it is. Logstash's BIND9 legacy pattern relies on
 * it (`query` is captured twice and comes out as an array).
 */
export function appendCapture(target: JsonObject, path: readonly string[], value: JsonValue): void {
  let node: JsonObject = target;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) return;
    node = next;
  }
  const leaf = path[path.length - 1] as string;
  const existing = node[leaf];
  if (Array.isArray(existing)) existing.push(value);
  else if (typeof existing === 'string') node[leaf] = [existing, value];
}

/**
 * Generates, once per pattern, a function that writes that pattern's captures with
 * constant property names. Generic code that walks paths with computed keys spends more
 * time building nested objects than the regex spends matching (measured: 5x the bare
 * exec for an Apache line); with constant keys V8 uses inline caches and the cost of
 * grok over the bare regex becomes small.
 *
 * Two more things keep it close to the bare regex (see benchmarks/parse):
 * - numbers are read by `toInt`/`toFloat` above, not by the parseInt/parseFloat builtins;
 * - when no capture's field is also a parent of another capture's field (the usual case:
 *   `http.version` and `http.request.method`, never `http` and `http.version`), each parent
 *   object is resolved once per match and kept in a local, and a parent that has to be
 *   created is created as one nested object literal holding the value. The objects and
 *   their key order are the same as building them step by step.
 *
 * Semantics, identical to the reference `applyCapturesGeneric` (a property test holds them
 * together, key order included): an undefined or empty capture sets nothing; when several
 * captures share a path, the first that matched sets it and later ones are added by
 * `appendCapture` (Logstash's rule for a field captured twice); a non-object in the way of a nested
 * path is replaced by an object; `int`/`float` values that do not parse stay strings.
 *
 * Safety of the generated code: property names and group numbers enter the source only
 * through JSON.stringify / Number, and names that would reach Object.prototype are
 * refused (here and at compile time, see compiler.ts), so a pattern cannot inject code.
 */
export function compileApplier(captures: readonly ApplierCapture[]): Applier {
  for (const c of captures) {
    if (c.path.length === 0 || c.path.some((p) => p === '__proto__')) {
      throw new Error(`grok capture path ${JSON.stringify(c.path)} cannot be a field`);
    }
  }
  const slots = new Map<string, number>();
  const shared = new Set<number>();
  const slotOf = captures.map((c) => {
    const key = c.path.join('\u0000');
    let slot = slots.get(key);
    if (slot === undefined) {
      slot = slots.size;
      slots.set(key, slot);
    } else {
      shared.add(slot);
    }
    return slot;
  });
  // Parent paths (every strict prefix of a capture's path), numbered for their locals.
  const parents = new Map<string, number>();
  for (const c of captures) {
    for (let d = 1; d < c.path.length; d++) {
      const key = c.path.slice(0, d).join('\u0000');
      if (!parents.has(key)) parents.set(key, parents.size);
    }
  }
  const cached = ![...slots.keys()].some((leaf) => parents.has(leaf));

  let body = 'let v, n, o, x, set = 0;\n';
  for (const slot of shared) body += `let done${slot} = false;\n`;
  if (cached && parents.size > 0) {
    body += `let ${[...parents.values()].map((i) => `p${i}`).join(', ')};\n`;
  }
  captures.forEach((capture, i) => {
    const slot = slotOf[i] as number;
    const isShared = shared.has(slot);
    body += `v = m[${Number(capture.group)}];\n`;
    body += `if (v !== undefined && v !== '') {\n`;
    if (capture.type === 'int') body += '  x = toInt(v);\n';
    else if (capture.type === 'float') body += '  x = toFloat(v);\n';
    else body += '  x = v;\n';
    if (isShared) {
      body += `  if (done${slot}) { append(t, ${JSON.stringify(capture.path)}, x); } else {\n`;
      body += `  done${slot} = true;\n`;
    }
    body += '  set++;\n';
    body += cached ? cachedWrite(capture.path, parents, i) : steppedWrite(capture.path);
    if (isShared) body += '  }\n';
    body += '}\n';
  });
  body += 'return set;';
  const factory = new Function(
    'toInt',
    'toFloat',
    'isArray',
    'append',
    `return function applyCaptures(t, m) {\n${body}\n};`,
  );
  return factory(toInt, toFloat, Array.isArray, appendCapture) as Applier;
}

const NOT_AN_OBJECT = "n === null || typeof n !== 'object' || isArray(n)";

/** Walks the path from the target, making objects where needed (any capture layout). */
function steppedWrite(path: readonly string[]): string {
  let code = '  o = t;\n';
  for (const key of path.slice(0, -1)) {
    const k = JSON.stringify(key);
    code += `  n = o[${k}];\n  if (${NOT_AN_OBJECT}) { n = {}; o[${k}] = n; }\n  o = n;\n`;
  }
  return `${code}  o[${JSON.stringify(path[path.length - 1])}] = x;\n`;
}

/**
 * Resolves each parent once per match (locals p<i>); a missing parent is created as a
 * literal holding the rest of the path and the value, which ends the write.
 */
function cachedWrite(path: readonly string[], parents: ReadonlyMap<string, number>, i: number): string {
  const local = (depth: number) => `p${parents.get(path.slice(0, depth).join('\u0000'))}`;
  const k = (d: number) => JSON.stringify(path[d]);
  // The object at prefix length d, holding path[d..] and the value, recording each new
  // parent in its local: `{ "request": p2 = { "method": x } }`.
  const literal = (d: number): string =>
    d === path.length - 1 ? `{ ${k(d)}: x }` : `{ ${k(d)}: ${local(d + 1)} = ${literal(d + 1)} }`;
  if (path.length === 1) return `  t[${k(0)}] = x;\n`;
  let code = `  w${i}: {\n`;
  for (let d = 1; d < path.length; d++) {
    const parent = d === 1 ? 't' : local(d - 1);
    code += `    if (${local(d)} === undefined) {\n`;
    code += `      n = ${parent}[${k(d - 1)}];\n`;
    code += `      if (${NOT_AN_OBJECT}) { ${parent}[${k(d - 1)}] = ${local(d)} = ${literal(d)}; break w${i}; }\n`;
    code += `      ${local(d)} = n;\n    }\n`;
  }
  code += `    ${local(path.length - 1)}[${k(path.length - 1)}] = x;\n  }\n`;
  return code;
}
