import { type ApplierCapture, toFloat, toInt } from './applier.js';

/**
 * The JSON text of `"message":...` (the line, or its capture) and the members for a
 * pattern's captures, each after a comma: `"message":"...","source":{"address":"1.2.3.4"}`.
 * What the applier would have put into the event, serialised, without building the event.
 * Undefined when this match's output has another shape: two captures of one field both
 * matched (the applier makes an array of them).
 *
 * Text, not bytes: JSON.stringify of each capture and one native UTF-8 write of the whole
 * item cost about half of escaping and encoding capture by capture in JS (measured with
 * benchmarks/parse/ab-encode.mjs on Apache lines).
 */
export type CaptureMembers = (m: RegExpExecArray, line: string) => string | undefined;

/**
 * What JSON.stringify escapes besides `"`: control characters, `\`, and surrogates (lone
 * ones; pairs too, as a capture may cut one in two).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const ESCAPED_BUT_QUOTE = /[\u0000-\u001f\\\ud800-\udfff]/;

/**
 * Top-level fields a compiled writer leaves to its caller: what finishing an event adds
 * (`@timestamp`, `event`) or a failure marks (`tags`). A pattern capturing into one of
 * them has no compiled writer.
 */
const LEFT_TO_CALLER = new Set(['@timestamp', 'event', 'tags']);

/**
 * The shape of a pattern's output, when it is fixed. Undefined when it depends on the
 * data and the event has to be built and serialised:
 * - a field that is also the parent of another (`http` and `http.version`: which wins
 *   depends on which matched);
 * - a capture under `@timestamp`, `event` or `tags`, or under `message` (`message.x`), or
 *   a typed `message`.
 */
export interface CompiledShape {
  readonly members: CaptureMembers;
  /** Top-level fields the captures may write: a record carrying one of them in its own fields takes the generic path. */
  readonly topLevel: ReadonlySet<string>;
}

interface ShapeNode {
  readonly key: string;
  /** For a leaf: the captures of its field (several in alternatives: `%{IP:x}|%{HOSTNAME:x}`), by position. */
  readonly captures: number[];
  readonly children: ShapeNode[];
}

/**
 * Compiles the serialiser of a pattern's captures (generated code, like the applier, for
 * constant keys and no per-capture branching on shape). Members come in the order the
 * captures' paths first appear in the pattern; with every capture present that is the
 * order the applier builds, and when one is absent only the order of keys can differ
 * (see the differential tests in pool/encode-direct.test.ts), never the members. An empty
 * or absent capture writes nothing, and an object none of whose leaves is present is left
 * out, as the applier creates parents only on the way to a value.
 */
export function compileCaptureMembers(captures: readonly ApplierCapture[]): CompiledShape | undefined {
  const root: ShapeNode = { key: '', captures: [], children: [] };
  const message: number[] = [];
  const leaves: ShapeNode[] = [];
  const topLevel = new Set<string>();
  for (let i = 0; i < captures.length; i++) {
    const capture = captures[i] as ApplierCapture;
    const path = capture.path;
    if (path.length === 0 || path.includes('__proto__')) return undefined;
    const top = path[0] as string;
    if (top === 'message') {
      // A typed `message` would put a number in place of the line.
      if (path.length > 1 || capture.type === 'int' || capture.type === 'float') return undefined;
      message.push(i);
      continue;
    }
    if (LEFT_TO_CALLER.has(top)) return undefined;
    topLevel.add(top);
    let node = root;
    for (let d = 0; d < path.length; d++) {
      const key = path[d] as string;
      const last = d === path.length - 1;
      let child = node.children.find((c) => c.key === key);
      if (child === undefined) {
        child = { key, captures: [], children: [] };
        node.children.push(child);
        if (last) leaves.push(child);
      } else if (last ? child.children.length > 0 : child.captures.length > 0) {
        // A field that is also a parent.
        return undefined;
      }
      node = child;
    }
    node.captures.push(i);
  }

  // Constant text goes into the generated source as a JS string literal: JSON.stringify of
  // a string is one.
  const literal = (text: string): string => JSON.stringify(text);
  const capturesUnder = (node: ShapeNode): number[] =>
    node.captures.length > 0 ? node.captures : node.children.flatMap(capturesUnder);
  // Whether any capture under the node is present: a member needs one, an object one of its leaves.
  const present = (node: ShapeNode): string =>
    capturesUnder(node)
      .map((i) => `h${i}`)
      .join(' || ');
  const value = (i: number): string => {
    const type = (captures[i] as ApplierCapture).type;
    if (type === 'int') return `intJson(v${i})`;
    if (type === 'float') return `floatJson(v${i})`;
    // A capture is part of the line: when the line has nothing JSON escapes but quotes, a
    // capture without a quote is its own JSON string between quotes (cheaper than the call).
    return `(plain && v${i}.indexOf('"') === -1 ? '"' + v${i} + '"' : JSON.stringify(v${i}))`;
  };
  // The present one of a field's captures (at most one, checked on entry).
  const leafValue = (indexes: readonly number[]): string =>
    indexes.length === 1
      ? value(indexes[0] as number)
      : `(${indexes
          .slice(0, -1)
          .map((i) => `h${i} ? ${value(i)} : `)
          .join('')}${value(indexes[indexes.length - 1] as number)})`;
  const out = new SourceBuilder();
  let flags = 0;
  // `first`: a runtime flag telling whether a member was already written in this object;
  // undefined where the member is known to come first (the first child of an object) or
  // not to (at the top level, after `message`). `enclosing`: the presence test of the
  // object, which its only child needs no second time.
  const members = (nodes: readonly ShapeNode[], first: string | undefined, enclosing: string): void => {
    nodes.forEach((node, n) => {
      const key = JSON.stringify(node.key);
      const open = node.captures.length > 0 ? `${key}:` : `${key}:{`;
      const test = present(node);
      const tested = test !== enclosing;
      if (tested) out.statement(`if (${test}) {`);
      if (first === undefined) out.text(`,${open}`);
      else if (n === 0) {
        if (nodes.length > 1) out.statement(`${first} = false;`);
        out.text(open);
      } else if (n < nodes.length - 1) {
        out.value(`(${first} ? (${first} = false, ${literal(open)}) : ${literal(`,${open}`)})`);
      } else {
        out.value(`(${first} ? ${literal(open)} : ${literal(`,${open}`)})`);
      }
      if (node.captures.length > 0) out.value(leafValue(node.captures));
      else {
        let flag: string | undefined;
        if (node.children.length > 1) {
          flag = `f${flags++}`;
          out.flag(flag);
        }
        members(node.children, flag ?? 'unused', test);
        out.text('}');
      }
      if (tested) out.statement('}');
    });
  };
  for (let i = 0; i < captures.length; i++) {
    const group = Number((captures[i] as ApplierCapture).group);
    out.statement(`const v${i} = m[${group}];`);
    out.statement(`const h${i} = v${i} !== undefined && v${i} !== '';`);
  }
  // Two captures of one field that both matched: the applier makes an array, another shape.
  for (const shared of [message, ...leaves.map((l) => l.captures)]) {
    if (shared.length > 1)
      out.statement(`if (${shared.map((i) => `(h${i} ? 1 : 0)`).join(' + ')} > 1) return undefined;`);
  }
  out.statement('const plain = !escapes.test(line);');
  out.text('"message":');
  out.value(
    `${message.map((i) => `(h${i} ? ${value(i)} : `).join('')}JSON.stringify(line)${')'.repeat(message.length)}`,
  );
  members(root.children, undefined, '');
  const body = out.finish();
  // Keys and group numbers reach the source only through JSON.stringify and Number, and
  // compiler.ts refuses names that reach Object.prototype: a pattern cannot inject code.
  const factory = new Function(
    'intJson',
    'floatJson',
    'escapes',
    `return function captureMembers(m, line) {\n${body}\nreturn s;\n};`,
  );
  return { topLevel, members: factory(intJson, floatJson, ESCAPED_BUT_QUOTE) as CaptureMembers };
}

/**
 * The body of a generated serialiser, `s` its text: runs of constant text and values
 * between two statements become one `s += a + b + c`, and constants next to each other one
 * literal (`,"http":{"request":{"method":`), so a document costs few concatenations.
 */
class SourceBuilder {
  private code = '';
  private declared = false;
  private readonly flags: string[] = [];
  private parts: string[] = [];
  private pending = '';

  /** Constant text. */
  text(text: string): void {
    this.pending += text;
  }

  /** A JS expression whose value is JSON text. */
  value(expression: string): void {
    if (this.pending !== '') this.parts.push(JSON.stringify(this.pending));
    this.pending = '';
    this.parts.push(expression);
  }

  /** A flag `let name = true`, declared at the top of the function. */
  flag(name: string): void {
    this.flags.push(name);
  }

  statement(code: string): void {
    this.flush();
    this.code += `${code}\n`;
  }

  finish(): string {
    this.flush();
    const flags = this.flags.length > 0 ? `let ${this.flags.map((f) => `${f} = true`).join(', ')};\n` : '';
    return flags + this.code;
  }

  private flush(): void {
    if (this.pending !== '') this.parts.push(JSON.stringify(this.pending));
    this.pending = '';
    if (this.parts.length === 0) return;
    // The first run declares `s`: `message` comes before any member and any branch.
    this.code += `${this.declared ? 's +=' : 'let s ='} ${this.parts.join(' + ')};\n`;
    this.declared = true;
    this.parts = [];
  }
}

/**
 * An `int` capture as the applier's value serialises: the digits as they stand when they
 * are already the number's JSON (no sign on zero, no leading zero, short enough to be
 * exact), else JSON.stringify of the value `toInt` makes of them (a number, or the text
 * when it is none).
 */
export function intJson(v: string): string {
  const len = v.length;
  const negative = v.charCodeAt(0) === 0x2d;
  const start = negative ? 1 : 0;
  const digits = len - start;
  if (digits > 0 && digits <= 15 && (digits === 1 || v.charCodeAt(start) !== 0x30)) {
    let plain = true;
    for (let i = start; i < len; i++) {
      const c = v.charCodeAt(i);
      if (c < 0x30 || c > 0x39) {
        plain = false;
        break;
      }
    }
    // `-0` is written `0` by JSON.stringify.
    if (plain && !(negative && digits === 1 && v.charCodeAt(1) === 0x30)) return v;
  }
  return JSON.stringify(toInt(v));
}

/** A `float` capture as the applier's value (`toFloat`) serialises. */
export function floatJson(v: string): string {
  return JSON.stringify(toFloat(v));
}
