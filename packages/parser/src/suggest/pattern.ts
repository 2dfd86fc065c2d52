import type { Column, ValueColumnKind } from './align.js';
import type { StampShape } from './tokenize.js';

/**
 * Turns aligned columns into one grok expression, naming each capture: with the ECS field
 * where the column's meaning is clear from its type and neighbours (the first timestamp,
 * the level, the client address, the parts of an HTTP request, a pid in brackets), and a
 * neutral name (`word_3`, `int_2`) otherwise.
 */

export interface FieldInfo {
  /** Field path as written in grok: `[log][level]`. */
  readonly field: string;
  /** What the column held: `timestamp (ISO8601)`, `int`, `ip`, `word`, `text`... */
  readonly type: string;
}

export interface GrokSuggestion {
  readonly pattern: string;
  readonly fields: readonly FieldInfo[];
  /** The timestamp that becomes `@timestamp`: the field and the date formats that read it. */
  readonly timestamp: { readonly field: string; readonly formats: readonly string[] } | undefined;
  /** The free-text rest is key=value pairs: a kv step should split `message`. */
  readonly kvMessage: boolean;
}

/** `[a][b]` form of a dotted ECS name, as the modules write their captures. */
export function bracketPath(name: string): string {
  return name
    .split('.')
    .map((p) => `[${p}]`)
    .join('');
}

const LOGLEVEL_WORDS = new Set([
  'ALERT',
  'TRACE',
  'DEBUG',
  'NOTICE',
  'INFO',
  'INFORMATION',
  'WARN',
  'WARNING',
  'ERR',
  'ERROR',
  'CRIT',
  'CRITICAL',
  'FATAL',
  'SEVERE',
  'EMERG',
  'EMERGENCY',
]);

function escapeLiteral(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/%]/g, (c) => `\\${c}`);
}

class Namer {
  private readonly used = new Set<string>();
  private readonly counters = new Map<string, number>();
  readonly fields: FieldInfo[] = [];

  constructor(readonly http: boolean) {}

  /** A capture already taken gets its ECS name after all (see renameLast). */
  rename(from: string, to: string): void {
    const info = this.fields.find((f) => f.field === from);
    if (info === undefined) return;
    this.used.add(to);
    this.fields[this.fields.indexOf(info)] = { ...info, field: to };
  }

  has(name: string): boolean {
    return this.used.has(name);
  }

  /** The ECS name if it is still free, else a neutral `<kind>_<n>`. */
  take(preferred: string | undefined, neutral: string, type: string): string {
    let name = preferred !== undefined && !this.used.has(preferred) ? preferred : undefined;
    if (name === undefined) {
      do {
        const n = (this.counters.get(neutral) ?? 0) + 1;
        this.counters.set(neutral, n);
        name = `${neutral}_${n}`;
      } while (this.used.has(name));
    }
    this.used.add(name);
    this.fields.push({ field: name, type });
    return bracketPath(name);
  }
}

interface Context {
  readonly namer: Namer;
  timestamp: { field: string; formats: string[] } | undefined;
  kvMessage: boolean;
  /** The value column before this one (spaces and literals skipped) and what it was named. */
  previous: { readonly column: Column; readonly name: string | undefined } | undefined;
  /** The ECS name the enclosing group suggests for its one value (`[1234]` is a pid). */
  hint: string | undefined;
  /** The closing character of the group being rendered: its last word may hold spaces (`[Thread 1]`). */
  groupClose: string | undefined;
  /** Captures renamed after they were rendered (`word_1` becomes `process.name` once `[pid]` follows). */
  readonly renames: Map<string, string>;
}

const WORD = String.raw`\S+?`;

export function buildGrok(columns: readonly Column[]): GrokSuggestion {
  const http = hasHttp(columns);
  const context: Context = {
    namer: new Namer(http),
    timestamp: undefined,
    kvMessage: false,
    previous: undefined,
    hint: undefined,
    groupClose: undefined,
    renames: new Map(),
  };
  let pattern = `^${render(columns, context)}$`;
  for (const [from, to] of context.renames) {
    pattern = pattern.split(`<${from}>`).join(`<${to}>`).split(`:${from}}`).join(`:${to}}`);
  }
  return {
    pattern,
    fields: context.namer.fields,
    timestamp: context.timestamp,
    kvMessage: context.kvMessage,
  };
}

function hasHttp(columns: readonly Column[]): boolean {
  return columns.some(
    (c) =>
      (c.type === 'quoted' && c.request) ||
      (c.type === 'value' && c.kind === 'method') ||
      (c.type === 'optional' && hasHttp(c.columns)) ||
      (c.type === 'group' && c.inner !== undefined && hasHttp(c.inner)),
  );
}

function render(columns: readonly Column[], context: Context): string {
  let out = '';
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i] as Column;
    out += renderColumn(column, columns[i + 1], columns[i - 1], context);
  }
  return out;
}

function renderColumn(
  column: Column,
  next: Column | undefined,
  before: Column | undefined,
  context: Context,
): string {
  switch (column.type) {
    case 'space':
      return column.fixed ?? String.raw`\s+`;
    case 'literal':
      return escapeLiteral(column.text);
    case 'optional':
      return `(?:${render(column.columns, context)})?`;
    case 'rest': {
      const name = context.namer.take('message', 'text', column.kv ? 'key=value pairs' : 'text');
      if (column.kv) context.kvMessage = true;
      context.previous = { column, name };
      // Before a tail (`(class)`), the message ends where the tail's spaces start.
      const body =
        next === undefined
          ? `%{GREEDYDATA:${name}}`
          : next.type === 'space'
            ? `%{DATA:${name}}`
            : `%{DATA:${name}}\\s*`;
      if (!column.optional) return body;
      return column.leadingSpace ? String.raw`(?:\s+${body})?` : `(?:${body})?`;
    }
    case 'quoted':
      return renderQuoted(column, context);
    case 'group':
      return renderGroup(column, before, context);
    case 'value':
      return renderValue(column, next, before, context);
  }
}

function renderQuoted(column: Column & { type: 'quoted' }, context: Context): string {
  const { namer } = context;
  if (column.request) {
    const method = namer.take('http.request.method', 'method', 'word');
    const url = namer.take('url.original', 'url', 'url');
    const version = namer.take('http.version', 'version', 'number');
    context.previous = { column, name: url };
    return `"%{WORD:${method}} %{NOTSPACE:${url}}(?: HTTP/%{NUMBER:${version}})?"`;
  }
  const present = column.texts.filter((t) => t !== '-' && t !== '');
  let preferred: string | undefined;
  if (
    present.length > 0 &&
    present.filter((t) => /Mozilla|curl|bot|Agent/i.test(t)).length >= 0.5 * present.length
  )
    preferred = 'user_agent.original';
  else if (present.length > 0 && present.every((t) => /^[a-z]+:\/\//.test(t)) && namer.http)
    preferred = 'http.request.referrer';
  const name = namer.take(preferred, 'quoted', 'quoted text');
  context.previous = { column, name };
  return `"(?<${name}>(?:[^"\\\\]|\\\\.)*)"`;
}

function renderGroup(
  column: Column & { type: 'group' },
  before: Column | undefined,
  context: Context,
): string {
  const open = escapeLiteral(column.open);
  const close = escapeLiteral(column.close);
  const inner = column.inner;
  const values = inner?.filter((c) => c.type !== 'space' && c.type !== 'literal') ?? [];
  const single = values.length === 1 ? values[0] : undefined;
  if (single?.type === 'value' && column.open === '[') {
    if (single.kind === 'int') {
      // `name[1234]`: a process name glued to its pid, as syslog and daemons write them.
      const glued = before?.type === 'value' && context.previous?.column === before;
      if (glued && context.previous?.name !== undefined && !context.namer.has('process.name')) {
        renameLast(context, context.previous.name, 'process.name');
      }
      context.hint = 'process.pid';
    } else if (single.kind === 'word' && looksLikeThread(single.texts, context.previous?.column)) {
      context.hint = 'process.thread.name';
    }
  }
  if (inner !== undefined && inner.length > 0) {
    const outer = context.groupClose;
    context.groupClose = column.close;
    const body = render(inner, context);
    context.groupClose = outer;
    return `${open}\\s*${body}\\s*${close}`;
  }
  const neutral = column.open === '[' ? 'bracket' : column.open === '(' ? 'paren' : 'group';
  const preferred =
    column.open === '[' && !context.namer.has('process.thread.name') && context.previous !== undefined
      ? 'process.thread.name'
      : undefined;
  const name = context.namer.take(preferred, neutral, 'text');
  context.previous = { column, name };
  return `${open}(?<${name}>[^${escapeLiteral(column.close)}]*)${close}`;
}

/** Java layouts put the thread in brackets next to the level; elsewhere a bracketed word is only a word. */
function looksLikeThread(texts: readonly string[], previous: Column | undefined): boolean {
  const afterLevel =
    previous?.type === 'value' && (previous.kind === 'level' || previous.kind === 'loose_level');
  return afterLevel || texts.some((t) => /^(?:main|.*(?:thread|worker|pool|exec).*)$/i.test(t));
}

/** The process name is known only once its `[pid]` follows: rename the capture already taken. */
function renameLast(context: Context, from: string, to: string): void {
  const info = context.namer.fields.find((f) => bracketPath(f.field) === from);
  if (info === undefined) return;
  context.namer.rename(info.field, to);
  context.renames.set(from, bracketPath(to));
}

function levelPattern(kind: ValueColumnKind, texts: readonly string[], name: string): string {
  if (kind === 'symbol_level') return `(?<${name}>[.*#-])`;
  if (kind === 'level' && texts.every((t) => LOGLEVEL_WORDS.has(t.toUpperCase())))
    return `%{LOGLEVEL:${name}}`;
  return `(?<${name}>[A-Za-z]+[0-9]?)`;
}

function allIntsIn(texts: readonly string[], min: number, max: number): boolean {
  const present = texts.filter((t) => t !== '-');
  return present.length > 0 && present.every((t) => /^\d+$/.test(t) && +t >= min && +t <= max);
}

function renderValue(
  column: Column & { type: 'value' },
  next: Column | undefined,
  before: Column | undefined,
  context: Context,
): string {
  const { namer } = context;
  const previous = context.previous;
  const hint = context.hint;
  context.hint = undefined;
  const stop =
    next !== undefined
      ? WORD
      : context.groupClose !== undefined
        ? `[^${escapeLiteral(context.groupClose)}]+?`
        : String.raw`\S+`;
  let body: string;
  let name: string;
  switch (column.kind) {
    case 'timestamp':
    case 'glog': {
      const stamp = column.stamp as StampShape;
      const first = context.timestamp === undefined;
      if (column.kind === 'glog') {
        const level = namer.take('log.level', 'level', 'level');
        name = namer.take(
          first ? 'timestamp' : undefined,
          'timestamp',
          `timestamp (${stamp.formats([])[0]})`,
        );
        body = `(?<${level}>[IWEFD])(?<${name}>${stamp.grok})`;
      } else {
        const formats = stamp.formats(column.texts);
        name = namer.take(first ? 'timestamp' : undefined, 'timestamp', `timestamp (${formats.join(' | ')})`);
        body = `(?<${name}>${stamp.grok})`;
      }
      if (first) context.timestamp = { field: 'timestamp', formats: stamp.formats(column.texts) };
      break;
    }
    case 'level':
    case 'loose_level':
    case 'symbol_level':
      name = namer.take('log.level', 'level', 'level');
      body = levelPattern(column.kind, column.texts, name);
      break;
    case 'int': {
      let preferred: string | undefined;
      if (namer.http && !namer.has('http.response.status_code') && allIntsIn(column.texts, 100, 599))
        preferred = 'http.response.status_code';
      else if (previous?.name === bracketPath('http.response.status_code'))
        preferred = 'http.response.body.bytes';
      else if (hint === 'process.pid') preferred = hint;
      name = namer.take(preferred, 'int', 'int');
      body = `%{INT:${name}:int}`;
      break;
    }
    case 'number':
      name = namer.take(undefined, 'number', 'float');
      body = `%{NUMBER:${name}:float}`;
      break;
    case 'ip':
      name = namer.take(namer.has('source.ip') ? 'destination.ip' : 'source.ip', 'ip', 'ip');
      body = `%{IP:${name}}`;
      break;
    case 'ipport': {
      const side = namer.has('source.ip') ? 'destination' : 'source';
      name = namer.take(`${side}.ip`, 'ip', 'ip');
      const port = namer.take(`${side}.port`, 'port', 'int');
      body = `%{IP:${name}}:%{INT:${port}:int}`;
      break;
    }
    case 'uuid':
      name = namer.take(undefined, 'uuid', 'uuid');
      body = `%{UUID:${name}}`;
      break;
    case 'hex':
      name = namer.take(undefined, 'hex', 'hex');
      body = `(?<${name}>(?:0x)?[0-9A-Fa-f]+)`;
      break;
    case 'method':
      name = namer.take('http.request.method', 'method', 'word');
      body = `(?<${name}>[A-Z]+)`;
      break;
    case 'url':
    case 'path': {
      const afterMethod = previous?.name === bracketPath('http.request.method');
      const preferred = afterMethod || column.kind === 'url' ? 'url.original' : undefined;
      name = namer.take(preferred, column.kind, column.kind);
      body = `(?<${name}>${stop})`;
      break;
    }
    case 'javaclass':
      name = namer.take('log.logger', 'class', 'java class');
      body = `(?<${name}>${stop})`;
      break;
    default: {
      // A word right after an RFC 3164 timestamp is the host, as syslog writes it.
      const afterSyslogStamp =
        previous?.column.type === 'value' &&
        previous.column.stamp?.id === 'rfc3164' &&
        before?.type === 'space';
      const preferred = afterSyslogStamp ? 'host.hostname' : column.kind === 'word' ? hint : undefined;
      name = namer.take(preferred, column.kind, column.kind);
      body = `(?<${name}>${stop})`;
    }
  }
  context.previous = { column, name };
  return column.dash ? `(?:${body}|-)` : body;
}
