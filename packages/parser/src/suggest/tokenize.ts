/**
 * Cuts a log line into typed tokens for `sluice suggest`: timestamps (with the date
 * formats that read them), IPs, numbers, levels, URLs and paths, key=value pairs,
 * quoted strings and bracketed groups (whose inside is tokenised again), single
 * punctuation characters and runs of spaces. Alignment (align.ts) compares lines token
 * by token, so the tokeniser's one job is to cut every line of a format at the same
 * places, whatever the values are.
 */

/** A timestamp shape: how to match it in grok and which date formats read it. */
export interface StampShape {
  readonly id: string;
  /** Grok for the whole timestamp, without a capture name. */
  readonly grok: string;
  /** Date processor formats for the captured text, given examples of it. */
  readonly formats: (examples: readonly string[]) => string[];
}

export type ValueKind =
  | 'timestamp'
  | 'glog'
  | 'epoch'
  | 'epoch_ms'
  | 'ip'
  | 'ipport'
  | 'uuid'
  | 'url'
  | 'path'
  | 'int'
  | 'float'
  | 'hex'
  | 'level'
  | 'method'
  | 'javaclass'
  | 'kv'
  | 'word';

export type Token =
  | { readonly kind: 'space'; readonly text: string }
  | { readonly kind: 'punct'; readonly text: string }
  | { readonly kind: 'value'; readonly value: ValueKind; readonly text: string; readonly stamp?: StampShape }
  | { readonly kind: 'quoted'; readonly text: string; readonly inner: string }
  | {
      readonly kind: 'group';
      readonly text: string;
      readonly open: string;
      readonly close: string;
      readonly inner: readonly Token[];
    };

const ISO_CORE = String.raw`\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?`;
/** The zone names the date processor's `z` letter reads. */
const ZONE_NAMES = 'UTC|GMT|UT|[ECMP][SD]T';
const END = String.raw`(?![\w:.])`;

/** Format variants with and without a fraction of a second, in the separator the examples use. */
function withFraction(base: (fraction: string) => string, examples: readonly string[]): string[] {
  const withComma = examples.some((e) => /:\d{2},\d/.test(e));
  const formats = [base(withComma ? ',SSS' : '.SSS'), base('')];
  return [...new Set(formats)];
}

interface Recogniser {
  readonly shape: StampShape;
  readonly regex: RegExp;
  /** Only at the start of a line (glog's level letter would otherwise match words). */
  readonly lineStart?: boolean;
}

const RECOGNISERS: readonly Recogniser[] = [
  {
    lineStart: true,
    regex: /[IWEFD]\d{4} \d{2}:\d{2}:\d{2}\.\d{6}(?!\d)/y,
    shape: {
      id: 'glog',
      grok: String.raw`\d{4} %{TIME}`,
      formats: () => ['MMdd HH:mm:ss.SSSSSS'],
    },
  },
  {
    regex: new RegExp(`${ISO_CORE} (?:${ZONE_NAMES})${END}`, 'y'),
    shape: {
      id: 'iso_zone_name',
      grok: `%{TIMESTAMP_ISO8601} (?:${ZONE_NAMES})`,
      formats: (examples) => {
        const t = examples.some((e) => e.charAt(10) === 'T') ? "'T'" : ' ';
        return withFraction((f) => `yyyy-MM-dd${t}HH:mm:ss${f} z`, examples);
      },
    },
  },
  {
    regex: new RegExp(`${ISO_CORE}(?:Z|[+-]\\d{2}(?::?\\d{2})?)?${END}`, 'y'),
    shape: { id: 'iso8601', grok: '%{TIMESTAMP_ISO8601}', formats: () => ['ISO8601'] },
  },
  {
    regex: new RegExp(`\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?${END}`, 'y'),
    shape: {
      id: 'slashed',
      grok: '%{YEAR}/%{MONTHNUM}/%{MONTHDAY} %{TIME}',
      formats: (examples) => withFraction((f) => `yyyy/MM/dd HH:mm:ss${f}`, examples),
    },
  },
  {
    regex: /\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}(?!\d)/y,
    shape: { id: 'httpdate', grok: '%{HTTPDATE}', formats: () => ['dd/MMM/yyyy:HH:mm:ss Z'] },
  },
  {
    regex: new RegExp(`\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?${END}`, 'y'),
    shape: {
      id: 'clf_no_zone',
      grok: '%{MONTHDAY}/%{MONTH}/%{YEAR}:%{TIME}',
      formats: (examples) => withFraction((f) => `dd/MMM/yyyy:HH:mm:ss${f}`, examples),
    },
  },
  {
    regex: new RegExp(`[A-Z][a-z]{2} [ \\d]\\d \\d{2}:\\d{2}:\\d{2}${END}`, 'y'),
    shape: {
      id: 'rfc3164',
      grok: '%{SYSLOGTIMESTAMP}',
      formats: () => ['MMM  d HH:mm:ss', 'MMM d HH:mm:ss', 'MMM dd HH:mm:ss'],
    },
  },
  {
    regex: new RegExp(`\\d{1,2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?${END}`, 'y'),
    shape: {
      id: 'day_month_year',
      grok: '%{MONTHDAY} %{MONTH} %{YEAR} %{TIME}',
      formats: (examples) => withFraction((f) => `d MMM yyyy HH:mm:ss${f}`, examples),
    },
  },
  {
    regex: new RegExp(`\\d{1,2}-[A-Z][a-z]{2}-\\d{4} \\d{2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?${END}`, 'y'),
    shape: {
      id: 'day_month_year_dashed',
      grok: '%{MONTHDAY}-%{MONTH}-%{YEAR} %{TIME}',
      formats: (examples) => withFraction((f) => `d-MMM-yyyy HH:mm:ss${f}`, examples),
    },
  },
];

export const EPOCH_SHAPE: StampShape = {
  id: 'epoch',
  grok: String.raw`\d{10}(?:\.\d{1,9})?`,
  formats: () => ['UNIX'],
};
export const EPOCH_MS_SHAPE: StampShape = {
  id: 'epoch_ms',
  grok: String.raw`\d{13}`,
  formats: () => ['UNIX_MS'],
};

const MONTHS = new Set(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']);

/** Severity words of the common logging libraries (syslog, log4j, Python, PostgreSQL, Go, .NET). */
export const LEVEL_WORDS = new Set([
  'TRACE',
  'DEBUG',
  'DEBUG1',
  'DEBUG2',
  'DEBUG3',
  'DEBUG4',
  'DEBUG5',
  'FINE',
  'FINER',
  'FINEST',
  'CONFIG',
  'VERBOSE',
  'INFO',
  'INFORMATION',
  'NOTICE',
  'LOG',
  'WARN',
  'WARNING',
  'ERROR',
  'ERR',
  'SEVERE',
  'CRITICAL',
  'CRIT',
  'ALERT',
  'FATAL',
  'PANIC',
  'EMERG',
  'EMERGENCY',
  'STATEMENT',
  'DETAIL',
  'HINT',
  'CONTEXT',
]);

export const HTTP_METHODS = new Set([
  'GET',
  'POST',
  'PUT',
  'DELETE',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'CONNECT',
  'TRACE',
]);

const OPENERS: Readonly<Record<string, string>> = { '[': ']', '(': ')', '{': '}', '<': '>' };
/** Characters that end a word and stand alone as punctuation tokens. */
const PUNCT = new Set(['[', ']', '(', ')', '{', '}', '<', '>', '"', '|', ',', ';']);
const REQUEST_LINE = /^[A-Z]{3,10} \S+(?: HTTP\/\d(?:\.\d)?)?$/;

const IPV4 = String.raw`(?:\d{1,3}\.){3}\d{1,3}`;
const IPV6 = `[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?::${IPV4})?`;
const IPV4_WORD = new RegExp(`^${IPV4}$`);
const IPV4_PORT_WORD = new RegExp(`^${IPV4}:\\d{1,5}$`);
const IPV6_WORD = new RegExp(`^${IPV6}$`);

/** Classifies a word (a run without spaces or punctuation). */
export function classifyWord(word: string): { value: ValueKind; stamp?: StampShape } {
  if (/^\d+$/.test(word)) {
    if (/^1[5-9]\d{8}$/.test(word)) return { value: 'epoch', stamp: EPOCH_SHAPE };
    if (/^1[5-9]\d{11}$/.test(word)) return { value: 'epoch_ms', stamp: EPOCH_MS_SHAPE };
    return { value: 'int' };
  }
  if (/^-\d+$/.test(word)) return { value: 'int' };
  if (/^1[5-9]\d{8}\.\d{1,9}$/.test(word)) return { value: 'epoch', stamp: EPOCH_SHAPE };
  if (/^-?\d+\.\d+$/.test(word)) return { value: 'float' };
  if (IPV4_WORD.test(word)) return { value: 'ip' };
  if (IPV4_PORT_WORD.test(word)) return { value: 'ipport' };
  if ((word.includes('::') || (word.match(/:/g)?.length ?? 0) >= 5) && IPV6_WORD.test(word))
    return { value: 'ip' };
  if (/^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/.test(word)) return { value: 'uuid' };
  if (/^[A-Za-z][\w+.-]*:\/\/\S+$/.test(word)) return { value: 'url' };
  if (/^\/[^\s]*$/.test(word) || /^[A-Za-z]:\\/.test(word)) return { value: 'path' };
  if (HTTP_METHODS.has(word)) return { value: 'method' };
  if (isLevelWord(word)) return { value: 'level' };
  if (/^(?:0x[0-9a-fA-F]+|(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{8,})$/.test(word))
    return { value: 'hex' };
  if (/^[A-Za-z_][\w.-]*=/.test(word)) return { value: 'kv' };
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(word) && /(?:^|\.)[A-Z][\w$]*$/.test(word))
    return { value: 'javaclass' };
  return { value: 'word' };
}

export function isLevelWord(word: string): boolean {
  const upper = word.toUpperCase();
  if (!LEVEL_WORDS.has(upper)) return false;
  // "Info" and "info" are levels too; "iNfO" is not anybody's convention.
  return word === upper || word === word.toLowerCase() || word === upper[0] + upper.slice(1).toLowerCase();
}

/** Where the quoted string starting at `start` (a `"`) ends, backslash escapes allowed; -1 if it does not. */
function closingQuote(line: string, start: number): number {
  for (let i = start + 1; i < line.length; i++) {
    const c = line[i];
    if (c === '\\') i++;
    else if (c === '"') return i;
  }
  return -1;
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

/** Depth of group nesting tokenised; deeper groups stay opaque text. */
const MAX_DEPTH = 3;

export function tokenize(line: string, depth = 0): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  const n = line.length;
  while (pos < n) {
    const c = line[pos] as string;
    if (isSpace(c)) {
      let end = pos + 1;
      while (end < n && isSpace(line[end])) end++;
      tokens.push({ kind: 'space', text: line.slice(pos, end) });
      pos = end;
      continue;
    }
    const stamp = recogniseStamp(line, pos, depth);
    if (stamp) {
      tokens.push(stamp.token);
      pos = stamp.end;
      continue;
    }
    const close = OPENERS[c];
    if (close !== undefined) {
      const end = line.indexOf(close, pos + 1);
      // A group glued to the word after it (`Mozilla/5.0+(Windows)+Gecko`) belongs to a word.
      const after = line[end + 1];
      const glued = after !== undefined && !isSpace(after) && !PUNCT.has(after) && after !== ':';
      if (end > pos && !glued && depth < MAX_DEPTH) {
        // Padding inside brackets (`[INFO ]`, `[o.e.n.Node    ]`) is layout, not content.
        const innerText = line.slice(pos + 1, end).trim();
        tokens.push({
          kind: 'group',
          text: line.slice(pos, end + 1),
          open: c,
          close,
          inner: tokenize(innerText, depth + 1),
        });
        pos = end + 1;
        continue;
      }
      if (end > pos && glued) {
        const wordEnd = wordEndFrom(line, end + 1);
        pushWord(tokens, line.slice(pos, wordEnd));
        pos = wordEnd;
        continue;
      }
    }
    if (c === '"') {
      const end = closingQuote(line, pos);
      if (end > pos) {
        const inner = line.slice(pos + 1, end);
        tokens.push({ kind: 'quoted', text: line.slice(pos, end + 1), inner });
        pos = end + 1;
        continue;
      }
    }
    if (PUNCT.has(c)) {
      tokens.push({ kind: 'punct', text: c });
      pos += 1;
      continue;
    }
    let end = wordEndFrom(line, pos);
    // key="quoted value": one key=value token.
    if (line[end] === '"' && /^[A-Za-z_][\w.-]*=$/.test(line.slice(pos, end))) {
      const q = closingQuote(line, end);
      if (q > end) end = wordEndFrom(line, q + 1);
    }
    pushWord(tokens, line.slice(pos, end));
    pos = end;
  }
  return tokens;
}

function wordEndFrom(line: string, start: number): number {
  let end = start;
  while (end < line.length) {
    const ch = line[end] as string;
    if (isSpace(ch)) break;
    // A group glued inside a word (`Mozilla/5.0+(X11)+Gecko`) stays part of it; one that
    // ends the word (`haproxy[123]:`, `run(x)`) is a token of its own.
    const close = OPENERS[ch];
    if (close !== undefined) {
      const groupEnd = line.indexOf(close, end + 1);
      const after = line[groupEnd + 1];
      const gluedAfter = after !== undefined && !isSpace(after) && !PUNCT.has(after) && after !== ':';
      // Only `[` after a word opens a group of its own (`haproxy[123]:`); `web/<NOSRV>` and
      // `f(x)` are one word.
      if (groupEnd > end && (gluedAfter || (ch !== '[' && end > start))) {
        end = groupEnd + 1;
        continue;
      }
      break;
    }
    if (PUNCT.has(ch)) break;
    end++;
  }
  return end;
}

/** A word, with a trailing colon (`main:`, `LOG:`) cut off as punctuation. */
function pushWord(tokens: Token[], word: string): void {
  if (word.length > 1 && word.endsWith(':') && !word.endsWith('::')) {
    pushWord(tokens, word.slice(0, -1));
    tokens.push({ kind: 'punct', text: ':' });
    return;
  }
  if (word === ':') {
    tokens.push({ kind: 'punct', text: word });
    return;
  }
  const { value, stamp } = classifyWord(word);
  tokens.push(stamp ? { kind: 'value', value, text: word, stamp } : { kind: 'value', value, text: word });
}

function recogniseStamp(line: string, pos: number, depth: number): { token: Token; end: number } | undefined {
  for (const r of RECOGNISERS) {
    if (r.lineStart && (pos !== 0 || depth > 0)) continue;
    r.regex.lastIndex = pos;
    const m = r.regex.exec(line);
    if (!m) continue;
    const text = m[0];
    if (r.shape.id === 'rfc3164' || r.shape.id.startsWith('day_month')) {
      const month = /[A-Z][a-z]{2}/.exec(text)?.[0];
      if (month === undefined || !MONTHS.has(month)) continue;
    }
    return {
      token: {
        kind: 'value',
        value: r.shape.id === 'glog' ? 'glog' : 'timestamp',
        text,
        stamp: r.shape,
      },
      end: pos + text.length,
    };
  }
  return undefined;
}

/** `GET /path HTTP/1.1` inside quotes. */
export function isRequestLine(text: string): boolean {
  return REQUEST_LINE.test(text) && HTTP_METHODS.has(text.slice(0, text.indexOf(' ')));
}
