import { isLevelWord, type StampShape, type Token, type ValueKind } from './tokenize.js';

/**
 * Aligns tokenised lines into one sequence of columns, left to right: a column is a
 * literal where the lines agree, a typed value where they vary, a bracketed group (its
 * inside aligned the same way), or, where the lines stop having a common structure, the
 * free-text rest (`message`), with a common tail after it (Kafka's `(class)`) aligned
 * from the right. A few lines that disagree with all the others (at most DISAGREE of
 * them) are left out rather than let them blur the pattern: they will be reported as
 * not matching.
 */

/** Share of lines that may disagree with a column and be left out. */
export const DISAGREE = 0.03;

export type ValueColumnKind =
  | Exclude<ValueKind, 'epoch' | 'epoch_ms'>
  | 'number'
  | 'symbol_level'
  | 'loose_level';

export type Column =
  | { readonly type: 'space'; readonly fixed: string | undefined }
  | { readonly type: 'literal'; readonly text: string }
  | {
      readonly type: 'value';
      readonly kind: ValueColumnKind;
      readonly texts: readonly string[];
      /** Some lines have `-` (nothing) here. */
      readonly dash: boolean;
      readonly stamp?: StampShape;
    }
  | { readonly type: 'quoted'; readonly request: boolean; readonly texts: readonly string[] }
  | {
      readonly type: 'group';
      readonly open: string;
      readonly close: string;
      /** The inside, aligned; undefined when the insides differ too much (captured as text). */
      readonly inner: readonly Column[] | undefined;
      readonly texts: readonly string[];
    }
  | { readonly type: 'optional'; readonly columns: readonly Column[] }
  | {
      readonly type: 'rest';
      /** Some lines end before it. */
      readonly optional: boolean;
      /** The rest of (nearly) every line is key=value pairs. */
      readonly kv: boolean;
      /** A space before it, part of the optional part. */
      readonly leadingSpace: boolean;
    };

export interface Alignment {
  readonly columns: readonly Column[];
  /** Indexes of the lines the columns describe (the others disagreed somewhere). */
  readonly kept: readonly number[];
}

const SYMBOL_LEVELS = new Set(['.', '-', '*', '#']);

function family(token: Token): string {
  switch (token.kind) {
    case 'space':
      return 'space';
    case 'punct':
      return `punct:${token.text}`;
    case 'group':
      return `group:${token.open}`;
    case 'quoted':
      return 'quoted';
    case 'value':
      return token.value === 'level' ? 'value:level' : 'value';
  }
}

function allowance(n: number, strict: boolean): number {
  return strict ? 0 : Math.floor(n * DISAGREE);
}

/**
 * `strict`: every line must agree (the inside of groups); otherwise a few may be left out.
 * `rest`: the lines may end in free text; otherwise they must align to the end.
 */
export function align(
  lines: readonly (readonly Token[])[],
  options: { readonly strict: boolean; readonly rest: boolean },
): Alignment | undefined {
  let active = lines.map((_, i) => i);
  const cursor = lines.map(() => 0);
  const columns: Column[] = [];
  const tokenAt = (l: number): Token | undefined => lines[l]?.[cursor[l] as number];
  for (;;) {
    if (active.length === 0) return undefined;
    const ended = active.filter((l) => tokenAt(l) === undefined);
    if (ended.length === active.length) break;
    if (ended.length > 0) {
      if (ended.length <= allowance(active.length, options.strict)) {
        active = active.filter((l) => !ended.includes(l));
        continue;
      }
      if (!options.rest) return undefined;
      columns.push(...restColumns(lines, active, cursor, true));
      return { columns, kept: active };
    }
    const tokens = active.map((l) => tokenAt(l) as Token);
    const families = countBy(tokens.map(family));
    const [top, topCount] = families[0] as [string, number];
    const spare = allowance(active.length, options.strict);
    // Levels and other words in one column: either an optional word before the level
    // (PostgreSQL's `user@db LOG:` next to `LOG:`), or just words.
    const levelsAndWords =
      (families.find(([f]) => f === 'value')?.[1] ?? 0) +
      (families.find(([f]) => f === 'value:level')?.[1] ?? 0);
    if (topCount < active.length - spare || (top.startsWith('value') && levelsAndWords > topCount)) {
      const optional = optionalColumn(lines, active, cursor, families, spare);
      if (optional) {
        columns.push(optional.column);
        active = optional.kept;
        continue;
      }
      if (levelsAndWords >= active.length - spare) {
        const agree = active.filter((l) => family(tokenAt(l) as Token).startsWith('value'));
        columns.push(mergeValues(agree.map((l) => tokenAt(l) as Token & { kind: 'value' })));
        active = agree;
        for (const l of active) cursor[l] = (cursor[l] as number) + 1;
        continue;
      }
      if (!options.rest) return undefined;
      columns.push(...restColumns(lines, active, cursor, false));
      return { columns, kept: active };
    }
    const agree = active.filter((l) => family(tokenAt(l) as Token) === top);
    const column = mergeColumn(agree.map((l) => tokenAt(l) as Token));
    if (column === undefined) {
      if (!options.rest) return undefined;
      columns.push(...restColumns(lines, active, cursor, false));
      return { columns, kept: active };
    }
    columns.push(column);
    active = agree;
    for (const l of active) cursor[l] = (cursor[l] as number) + 1;
  }
  return { columns, kept: active };
}

function countBy(keys: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]);
}

/** One column from tokens of one family. */
function mergeColumn(tokens: readonly Token[]): Column | undefined {
  const first = tokens[0];
  if (first === undefined) return undefined;
  switch (first.kind) {
    case 'space': {
      const texts = new Set(tokens.map((t) => t.text));
      return { type: 'space', fixed: texts.size === 1 && first.text === ' ' ? ' ' : undefined };
    }
    case 'punct':
      return { type: 'literal', text: first.text };
    case 'quoted': {
      const inners = tokens.map((t) => (t.kind === 'quoted' ? t.inner : ''));
      return {
        type: 'quoted',
        request: inners.every((inner) => /^[A-Z]{3,10} \S+(?: HTTP\/\d(?:\.\d)?)?$/.test(inner)),
        texts: inners,
      };
    }
    case 'group': {
      const groups = tokens as readonly (Token & { kind: 'group' })[];
      const texts = groups.map((g) => g.text.slice(1, -1));
      if (new Set(texts).size === 1) return { type: 'literal', text: first.text };
      const inner = align(
        groups.map((g) => g.inner),
        { strict: true, rest: false },
      );
      return { type: 'group', open: first.open, close: first.close, inner: inner?.columns, texts };
    }
    case 'value':
      return mergeValues(tokens as readonly (Token & { kind: 'value' })[]);
  }
}

const LITERAL_WHEN_CONSTANT = new Set<ValueKind>(['word', 'javaclass', 'method', 'path', 'url', 'kv']);

function mergeValues(tokens: readonly (Token & { kind: 'value' })[]): Column {
  const texts = tokens.map((t) => t.text);
  const first = tokens[0] as Token & { kind: 'value' };
  const constant = texts.every((t) => t === first.text);
  if (constant && (LITERAL_WHEN_CONSTANT.has(first.value) || first.text === '-')) {
    return { type: 'literal', text: first.text };
  }
  // Redis writes its level as one character: . debug, - verbose, * notice, # warning.
  if (texts.every((t) => SYMBOL_LEVELS.has(t)) && new Set(texts).size > 1) {
    return { type: 'value', kind: 'symbol_level', texts, dash: false };
  }
  const present = tokens.filter((t) => t.text !== '-');
  const dash = present.length < tokens.length;
  const kinds = new Set(present.map((t) => t.value));
  const stamps = new Set(present.map((t) => t.stamp?.id));
  const only = (...allowed: ValueKind[]) => [...kinds].every((k) => allowed.includes(k));
  const column = (kind: ValueColumnKind, stamp?: StampShape): Column =>
    stamp ? { type: 'value', kind, texts, dash, stamp } : { type: 'value', kind, texts, dash };
  if (present.length === 0) return { type: 'literal', text: '-' };
  const stamp = present[0]?.stamp;
  if (stamp && stamps.size === 1 && only('timestamp', 'glog', 'epoch', 'epoch_ms')) {
    return column(first.value === 'glog' ? 'glog' : 'timestamp', stamp);
  }
  if (only('int')) return column('int');
  if (only('int', 'float', 'epoch', 'epoch_ms')) return column('number');
  if (only('ip')) return column('ip');
  if (only('ipport')) return column('ipport');
  if (only('uuid')) return column('uuid');
  if (only('hex', 'int')) return column('hex');
  if (only('level')) return column('level');
  if (only('method')) return column('method');
  if (only('url', 'path')) return column(kinds.has('url') ? 'url' : 'path');
  if (only('javaclass')) return column('javaclass');
  if (only('kv')) return column('kv');
  const levels = present.filter((t) => isLevelWord(t.text)).length;
  if (levels >= 0.9 * present.length) return column('loose_level');
  return column('word');
}

/**
 * A word present in some lines and absent in others, followed by a space: the lines
 * with it, past it and its space, agree with the lines without it.
 */
function optionalColumn(
  lines: readonly (readonly Token[])[],
  active: readonly number[],
  cursor: number[],
  families: readonly [string, number][],
  spare: number,
): { column: Column; kept: number[] } | undefined {
  const [a, b] = families;
  if (a === undefined || b === undefined || a[1] + b[1] < active.length - spare) return undefined;
  for (const [present, absent] of [
    [a[0], b[0]],
    [b[0], a[0]],
  ] as const) {
    const withIt = active.filter((l) => family(lines[l]?.[cursor[l] as number] as Token) === present);
    const without = active.filter((l) => family(lines[l]?.[cursor[l] as number] as Token) === absent);
    const fits = withIt.filter((l) => {
      const c = cursor[l] as number;
      const space = lines[l]?.[c + 1];
      const next = lines[l]?.[c + 2];
      return space?.kind === 'space' && next !== undefined && family(next) === absent;
    });
    if (fits.length < withIt.length - spare || fits.length === 0) continue;
    const word = mergeColumn(fits.map((l) => lines[l]?.[cursor[l] as number] as Token));
    if (word === undefined) continue;
    for (const l of fits) cursor[l] = (cursor[l] as number) + 2;
    const kept = [...fits, ...without].sort((x, y) => x - y);
    return { column: { type: 'optional', columns: [word, { type: 'space', fixed: undefined }] }, kept };
  }
  return undefined;
}

/** The free-text rest from each line's cursor, and the tail all lines share after it. */
function restColumns(
  lines: readonly (readonly Token[])[],
  active: readonly number[],
  cursor: readonly number[],
  optional: boolean,
): Column[] {
  const tail: Column[] = [];
  if (!optional) {
    for (let k = 1; ; k++) {
      // The tail starts at the cursor at the earliest (words before the cursor may still be
      // given back to the message: see absorbIntoRest).
      if (active.some((l) => (lines[l]?.length ?? 0) - k < (cursor[l] as number))) break;
      const tokens = active.map((l) => lines[l]?.[(lines[l]?.length ?? 0) - k] as Token);
      const families = countBy(tokens.map(family));
      if (families.length !== 1) break;
      const f = (families[0] as [string, number])[0];
      if (!(f === 'space' || f.startsWith('punct') || f.startsWith('group') || f === 'quoted')) break;
      const column = mergeColumn(tokens);
      if (column === undefined) break;
      tail.unshift(column);
    }
    // A tail of only spaces or punctuation (a trailing dot) is part of the message.
    while (tail.length > 0 && !tail.some((c) => c.type === 'group' || c.type === 'quoted')) tail.shift();
    while (tail[0]?.type === 'literal') tail.shift();
  }
  const restTokens = active.map((l) => {
    const end = (lines[l]?.length ?? 0) - tail.length;
    return (lines[l] ?? []).slice(cursor[l], end).filter((t) => t.kind !== 'space');
  });
  const nonEmpty = restTokens.filter((r) => r.length > 0);
  const kv =
    nonEmpty.length > 0 &&
    nonEmpty.filter((r) => r.every((t) => t.kind === 'value' && t.value === 'kv')).length >=
      0.9 * nonEmpty.length;
  const leadingSpace = optional && active.some((l) => lines[l]?.[cursor[l] as number]?.kind === 'space');
  return [{ type: 'rest', optional, kv, leadingSpace }, ...tail];
}

/** Kinds of value that free text is made of. */
const TEXT_KINDS = new Set<ValueColumnKind>([
  'word',
  'int',
  'number',
  'kv',
  'path',
  'hex',
  'url',
  'loose_level',
]);
/**
 * A column of words with at least this many different values, right before the rest, is
 * the start of the message (a handful of message templates already gives that many);
 * fewer are a field (`stdout`/`stderr`, CRI's `F`/`P`).
 */
const TEXT_DISTINCT = 4;

/**
 * The first words of a free-text message align as columns when every sample message has
 * at least that many words; a message of one word would then not match. Words just before
 * the rest, with many different values, are given back to it.
 */
export function absorbIntoRest(columns: readonly Column[]): Column[] {
  const r = columns.findIndex((c) => c.type === 'rest');
  const rest = columns[r];
  if (rest === undefined || rest.type !== 'rest') return [...columns];
  let start = r;
  let k = r - 1;
  let kv = rest.kv;
  while (k >= 0) {
    let v = k;
    if (columns[v]?.type === 'space') v--;
    const c = columns[v];
    // An optional word or quote at the start of some messages (`relation "x" does not
    // exist`) is message too.
    if (
      c?.type === 'optional' &&
      c.columns.every(
        (o) =>
          o.type === 'space' ||
          o.type === 'literal' ||
          o.type === 'quoted' ||
          o.type === 'group' ||
          (o.type === 'value' && TEXT_KINDS.has(o.kind)),
      )
    ) {
      start = v;
      k = v - 1;
      kv = false;
      continue;
    }
    if (c?.type !== 'value' || !TEXT_KINDS.has(c.kind)) break;
    const distinct = new Set(c.texts).size;
    // In a small sample, half the lines differing is as telling as TEXT_DISTINCT values.
    if (distinct < Math.max(2, Math.min(TEXT_DISTINCT, Math.ceil(c.texts.length / 2)))) break;
    if (c.kind !== 'kv') kv = false;
    start = v;
    k = v - 1;
  }
  if (start === r) return [...columns];
  return [
    ...columns.slice(0, start),
    { type: 'rest', optional: false, kv, leadingSpace: false },
    ...columns.slice(r + 1),
  ];
}
