import { type BulkWriter, utf8 } from '../pool/bulk-writer.js';
import { type ApplierCapture, toFloat, toInt } from './applier.js';

/**
 * Writes `"message":...` (the line, or its capture) and the JSON members for a pattern's
 * captures, straight from a match, each preceded by a comma: `,"source":{"address":"1.2.3.4"}`.
 * What the applier would have put into the event, serialised, without building the event.
 * Returns false, having written nothing, when this match's output has another shape: two
 * captures of one field both matched (the applier makes an array of them).
 */
export type CaptureWriter = (writer: BulkWriter, m: RegExpExecArray, line: string) => boolean;

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
  readonly write: CaptureWriter;
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
 * Compiles the writer of a pattern's captures (generated code, like the applier, for
 * constant keys and no per-capture branching on shape). Members come in the order the
 * captures' paths first appear in the pattern; with every capture present that is the
 * order the applier builds, and when one is absent only the order of keys can differ
 * (see the differential tests in pool/encode-direct.test.ts), never the members. An empty
 * or absent capture writes nothing, and an object none of whose leaves is present is left
 * out, as the applier creates parents only on the way to a value.
 */
export function compileCaptureWriter(captures: readonly ApplierCapture[]): CompiledShape | undefined {
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

  const chunks: Uint8Array[] = [];
  const chunk = (text: string): string => {
    chunks.push(utf8(text));
    return `c[${chunks.length - 1}]`;
  };
  const any = (indexes: readonly number[]): string => `(${indexes.map((i) => `h${i}`).join(' || ')})`;
  const present = (node: ShapeNode): string =>
    node.captures.length > 0 ? any(node.captures) : `(${node.children.map(present).join(' || ')})`;
  const value = (i: number): string => {
    const type = (captures[i] as ApplierCapture).type;
    if (type === 'int')
      return `writeInt(w, v${i});
`;
    if (type === 'float')
      return `writeFloat(w, v${i});
`;
    return `w.string(v${i});
`;
  };
  // The present one of a field's captures (at most one, checked on entry).
  const leafValue = (indexes: readonly number[]): string =>
    indexes.length === 1
      ? value(indexes[0] as number)
      : indexes.map((i) => `if (h${i}) ${value(i)}`).join('else ');
  let flags = 0;
  // `first`: a runtime flag telling whether a member was already written in this object;
  // undefined at the top level, where `message` always comes first.
  const members = (nodes: readonly ShapeNode[], first: string | undefined): string => {
    let code = '';
    for (const node of nodes) {
      const key = JSON.stringify(node.key);
      const open = node.captures.length > 0 ? `${key}:` : `${key}:{`;
      code += `if (${present(node)}) {\n`;
      if (first === undefined) code += `w.chunk(${chunk(`,${open}`)});\n`;
      else {
        code += `if (${first}) { ${first} = false; w.chunk(${chunk(open)}); } else w.chunk(${chunk(`,${open}`)});\n`;
      }
      if (node.captures.length > 0) code += leafValue(node.captures);
      else {
        const flag = `f${flags++}`;
        code += `let ${flag} = true;\n${members(node.children, flag)}w.byte(0x7d);\n`;
      }
      code += '}\n';
    }
    return code;
  };
  let body = '';
  for (let i = 0; i < captures.length; i++) {
    const group = Number((captures[i] as ApplierCapture).group);
    body += `const v${i} = m[${group}];\nconst h${i} = v${i} !== undefined && v${i} !== '';\n`;
  }
  // Two captures of one field that both matched: the applier makes an array, another shape.
  for (const shared of [message, ...leaves.map((l) => l.captures)]) {
    if (shared.length > 1)
      body += `if (${shared.map((i) => `(h${i} ? 1 : 0)`).join(' + ')} > 1) return false;\n`;
  }
  body += `w.chunk(${chunk('"message":')});\n`;
  body += `${message.map((i) => `if (h${i}) ${value(i)}else `).join('')}w.string(line);\n`;
  body += members(root.children, undefined);
  body += 'return true;\n';
  // Keys and group numbers reach the source only through JSON.stringify and Number, and
  // compiler.ts refuses names that reach Object.prototype: a pattern cannot inject code.
  const factory = new Function(
    'c',
    'writeInt',
    'writeFloat',
    `return function writeCaptures(w, m, line) {\n${body}};`,
  );
  return { topLevel, write: factory(chunks, writeInt, writeFloat) as CaptureWriter };
}

/**
 * An `int` capture as the applier's value serialises: digits as they stand when they are
 * already the number's JSON (no sign on zero, no leading zero, short enough to be exact),
 * else the value `toInt` makes of them (a number, or the text when it is none).
 */
export function writeInt(w: BulkWriter, v: string): void {
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
    if (plain && !(negative && digits === 1 && v.charCodeAt(1) === 0x30)) {
      w.json(v);
      return;
    }
  }
  writeValue(w, toInt(v));
}

/** A `float` capture as the applier's value (`toFloat`) serialises. */
export function writeFloat(w: BulkWriter, v: string): void {
  writeValue(w, toFloat(v));
}

function writeValue(w: BulkWriter, value: number | string): void {
  if (typeof value === 'number') w.number(value);
  else w.string(value);
}
