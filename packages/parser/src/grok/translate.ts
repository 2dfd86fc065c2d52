/**
 * Translates the Oniguruma dialect that grok patterns are written in into a JavaScript
 * RegExp source with the same meaning, and numbers the captures.
 *
 * What differs and how it is carried over:
 * - `^` and `$` are line anchors in Oniguruma (Ruby), so the RegExp gets the `m` flag; but
 *   only `\n` ends a line there, while JavaScript also ends one at `\r`, U+2028 and U+2029,
 *   so the anchors become `(?<![^\n])` / `(?![^\n])` and `.` becomes `[^\n]` (Oniguruma's
 *   `.` matches a lone `\r`, which a shipped line may keep). `\A`, `\z`, `\Z` become
 *   lookarounds on the whole input.
 * - Atomic groups `(?>X)` become `(?=(X))\N`: a lookahead finds X once, the backreference
 *   consumes exactly what it found, and a lookahead is never re-entered on backtracking,
 *   which is precisely the "no backtracking into X" guarantee of an atomic group.
 * - Possessive quantifiers `X*+`, `X++`, `X?+`, `X{n,m}+` are atomic groups around `X*` etc.
 * - `\h` (hex digit), `\x{HHHH}`, POSIX bracket classes `[[:alpha:]]`, `{,n}` and a leading
 *   `(?i)` / `(?m)` (Oniguruma's dotall) are rewritten; constructs JavaScript cannot express
 *   (`\G`, `\K`, inline modifier groups, nested classes) are rejected with a message naming them.
 * - Named groups become plain numbered groups: field names such as `[http][request][method]`
 *   are not valid JavaScript group names, and reading `match[i]` avoids building a `groups`
 *   object per match.
 */

/** A capture as written in the pattern: `%{SYNTAX:name:type}` or `(?<name>...)`. */
export interface CaptureSpec {
  readonly name: string;
  readonly type: CaptureType | undefined;
}

export type CaptureType = 'int' | 'float' | 'string';

export interface TranslatedRegex {
  readonly source: string;
  readonly flags: string;
  /** For each capture, its group number in `source` (in order of appearance). */
  readonly groups: readonly { readonly group: number; readonly capture: CaptureSpec }[];
  /** True when the translation needed lookarounds or backreferences (no linear-time engine can run it). */
  readonly backtrackingOnly: boolean;
}

export class TranslateError extends Error {}

/** Placeholder group names that the expander emits for `%{SYNTAX:name}`; `@` cannot start a user's name. */
export const CAPTURE_MARK = '@@';

const POSIX_CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: '\\s',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  word: '\\w',
  cntrl: '\\x00-\\x1f\\x7f',
  print: '\\x20-\\x7e',
  graph: '\\x21-\\x7e',
};

interface OpenGroup {
  readonly kind: 'capture' | 'atomic' | 'other';
  readonly outStart: number;
  readonly atomicName?: string;
}

/**
 * @param source the expanded pattern (grok references already replaced)
 * @param marked captures the expander emitted as `(?<@@k>`, indexed by k
 */
export function translate(source: string, marked: readonly CaptureSpec[]): TranslatedRegex {
  let i = 0;
  let flags = 'm';
  // Leading inline flags apply to the whole pattern and have a RegExp flag equivalent.
  for (;;) {
    const lead = /^\(\?([imx]+)\)/.exec(source.slice(i));
    if (!lead) break;
    for (const f of lead[1] as string) {
      if (f === 'i' && !flags.includes('i')) flags += 'i';
      else if (f === 'm' && !flags.includes('s')) flags += 's';
      else if (f === 'x') throw new TranslateError('extended mode (?x) is not supported');
    }
    i += lead[0].length;
  }

  let out = '';
  const stack: OpenGroup[] = [];
  const captures: { name: string; capture: CaptureSpec }[] = [];
  let atomicCount = 0;
  let backtrackingOnly = false;
  /** Where in `out` the most recent complete atom starts, for possessive quantifiers. */
  let atomStart = -1;

  const wrapAtomic = (from: number) => {
    const name = `a${atomicCount++}`;
    out = `${out.slice(0, from)}(?:(?=(?<${name}>${out.slice(from)}))\\k<${name}>)`;
    backtrackingOnly = true;
  };

  while (i < source.length) {
    const c = source[i] as string;
    if (c === '\\') {
      const { text, length, assertion } = translateEscape(source, i, false);
      atomStart = assertion ? -1 : out.length;
      out += text;
      i += length;
      continue;
    }
    if (c === '[') {
      const { text, length } = translateClass(source, i);
      atomStart = out.length;
      out += text;
      i += length;
      continue;
    }
    if (c === '(') {
      const rest = source.slice(i, i + 4);
      if (rest.startsWith('(?#')) {
        const end = source.indexOf(')', i);
        if (end < 0) throw new TranslateError('unterminated comment group (?#');
        i = end + 1;
        continue;
      }
      if (rest.startsWith('(?>')) {
        const name = `a${atomicCount++}`;
        stack.push({ kind: 'atomic', outStart: out.length, atomicName: name });
        // The outer (?:...) makes a quantifier after the atomic group apply to all of it.
        out += `(?:(?=(?<${name}>`;
        backtrackingOnly = true;
        i += 3;
        continue;
      }
      if (rest.startsWith('(?<') && rest[3] !== '=' && rest[3] !== '!') {
        const end = source.indexOf('>', i + 3);
        if (end < 0) throw new TranslateError(`unterminated group name at "${source.slice(i, i + 20)}"`);
        const raw = source.slice(i + 3, end);
        let capture: CaptureSpec;
        if (raw.startsWith(CAPTURE_MARK)) {
          const spec = marked[Number(raw.slice(CAPTURE_MARK.length))];
          if (!spec) throw new TranslateError(`internal: unknown capture mark ${raw}`);
          capture = spec;
        } else {
          if (raw === '') throw new TranslateError('empty group name (?<>');
          capture = { name: raw, type: undefined };
        }
        const name = `g${captures.length}`;
        captures.push({ name, capture });
        stack.push({ kind: 'capture', outStart: out.length });
        out += `(?<${name}>`;
        i = end + 1;
        continue;
      }
      if (rest.startsWith("(?'"))
        throw new TranslateError("group names in quotes (?'name') are not supported");
      if (rest.startsWith('(?=') || rest.startsWith('(?!') || rest.startsWith('(?<')) {
        backtrackingOnly = true;
        const len = rest.startsWith('(?<') ? 4 : 3;
        stack.push({ kind: 'other', outStart: out.length });
        out += source.slice(i, i + len);
        i += len;
        continue;
      }
      if (rest.startsWith('(?:')) {
        stack.push({ kind: 'other', outStart: out.length });
        out += '(?:';
        i += 3;
        continue;
      }
      if (rest.startsWith('(?')) {
        const m = /^\(\?[a-zA-Z-]*[:)]?/.exec(source.slice(i));
        throw new TranslateError(
          `inline modifier "${m ? m[0] : rest}" is not supported here; put (?i) at the very start of the pattern`,
        );
      }
      // Plain groups do not capture in grok (only named captures become fields).
      stack.push({ kind: 'other', outStart: out.length });
      out += '(?:';
      i += 1;
      continue;
    }
    if (c === ')') {
      const open = stack.pop();
      if (!open) throw new TranslateError(`unmatched ")" at offset ${i}`);
      if (open.kind === 'atomic') out += `))\\k<${open.atomicName}>)`;
      else out += ')';
      atomStart = open.outStart;
      i += 1;
      continue;
    }
    if (c === '*' || c === '+' || c === '?' || c === '{') {
      let quant = c;
      let len = 1;
      if (c === '{') {
        const m = /^\{(\d*)(?:(,)(\d*))?\}/.exec(source.slice(i));
        if (!m || (m[1] === '' && (m[3] === undefined || m[3] === ''))) {
          // Not a quantifier: a literal brace, as in Oniguruma.
          atomStart = out.length;
          out += '\\{';
          i += 1;
          continue;
        }
        quant = `{${m[1] === '' ? '0' : m[1]}${m[2] ?? ''}${m[3] ?? ''}}`;
        len = m[0].length;
      }
      if (atomStart < 0) throw new TranslateError(`quantifier "${quant}" follows nothing at offset ${i}`);
      const next = source[i + len];
      if (next === '+') {
        out += quant;
        wrapAtomic(atomStart);
        i += len + 1;
      } else if (next === '?') {
        out += `${quant}?`;
        i += len + 1;
      } else {
        out += quant;
        i += len;
      }
      // A quantified atom cannot be quantified again (`a**` is an error in JS); Oniguruma would
      // accept it, but no real pattern relies on it.
      atomStart = -1;
      continue;
    }
    if (c === '|') {
      atomStart = -1;
      out += c;
      i += 1;
      continue;
    }
    if (c === '^' || c === '$') {
      atomStart = -1;
      out += c === '^' ? '(?<![^\\n])' : '(?![^\\n])';
      i += 1;
      continue;
    }
    if (c === '.' && !flags.includes('s')) {
      atomStart = out.length;
      out += '[^\\n]';
      i += 1;
      continue;
    }
    if (c === '/') {
      atomStart = out.length;
      out += '\\/';
      i += 1;
      continue;
    }
    atomStart = out.length;
    out += c;
    i += 1;
  }
  if (stack.length > 0) throw new TranslateError('missing ")": a group is not closed');

  return numberGroups(out, flags, captures, backtrackingOnly);
}

function translateEscape(
  source: string,
  i: number,
  inClass: boolean,
): { text: string; length: number; assertion: boolean } {
  const e = source[i + 1];
  if (e === undefined) throw new TranslateError('pattern ends with a lone backslash');
  switch (e) {
    case 'A':
      if (inClass) break;
      return { text: '(?<![\\s\\S])', length: 2, assertion: true };
    case 'z':
      if (inClass) break;
      return { text: '(?![\\s\\S])', length: 2, assertion: true };
    case 'Z':
      if (inClass) break;
      return { text: '(?=\\n?(?![\\s\\S]))', length: 2, assertion: true };
    case 'b':
    case 'B':
      return { text: `\\${e}`, length: 2, assertion: !inClass };
    case 'h':
      return { text: inClass ? '0-9a-fA-F' : '[0-9a-fA-F]', length: 2, assertion: false };
    case 'H':
      if (inClass) throw new TranslateError('\\H inside a character class is not supported');
      return { text: '[^0-9a-fA-F]', length: 2, assertion: false };
    case 'e':
      return { text: '\\x1b', length: 2, assertion: false };
    case 'a':
      return { text: '\\x07', length: 2, assertion: false };
    case 'p':
    case 'P':
      if (source[i + 2] === '{') {
        throw new TranslateError(`Unicode property \\${e}{...} is not supported; use a character class`);
      }
      break;
    case 'G':
    case 'K':
    case 'R':
    case 'X':
      throw new TranslateError(`\\${e} is not supported by JavaScript regular expressions`);
    case 'x': {
      const braced = /^\\x\{([0-9a-fA-F]{1,6})\}/.exec(source.slice(i));
      if (braced) {
        const code = Number.parseInt(braced[1] as string, 16);
        if (code > 0xffff) throw new TranslateError(`\\x{${braced[1]}} is outside the basic plane`);
        return {
          text: `\\u${code.toString(16).padStart(4, '0')}`,
          length: braced[0].length,
          assertion: false,
        };
      }
      break;
    }
    case 'k': {
      throw new TranslateError('backreferences \\k<name> are not supported in grok patterns');
    }
    default:
      if (e >= '1' && e <= '9' && !inClass) {
        throw new TranslateError(`numbered backreference \\${e} is not supported in grok patterns`);
      }
  }
  return { text: `\\${e}`, length: 2, assertion: false };
}

function translateClass(source: string, start: number): { text: string; length: number } {
  let i = start + 1;
  let out = '[';
  if (source[i] === '^') {
    out += '^';
    i += 1;
  }
  // A `]` right after `[` or `[^` is a literal in Oniguruma; in JavaScript it would close the class.
  if (source[i] === ']') {
    out += '\\]';
    i += 1;
  }
  while (i < source.length) {
    const c = source[i] as string;
    if (c === ']') return { text: `${out}]`, length: i + 1 - start };
    if (c === '\\') {
      const { text, length } = translateEscape(source, i, true);
      out += text;
      i += length;
      continue;
    }
    if (c === '[') {
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(source.slice(i));
      if (posix) {
        const set = POSIX_CLASSES[posix[2] as string];
        if (!set || posix[1]) throw new TranslateError(`POSIX class "${posix[0]}" is not supported`);
        out += set;
        i += posix[0].length;
        continue;
      }
      throw new TranslateError(`nested character class at offset ${i} is not supported; escape "[" as "\\["`);
    }
    if (c === '&' && source[i + 1] === '&') {
      throw new TranslateError('character class intersection "&&" is not supported');
    }
    if (c === '/') {
      out += '\\/';
      i += 1;
      continue;
    }
    out += c;
    i += 1;
  }
  throw new TranslateError('missing "]": a character class is not closed');
}

/**
 * Replaces the named groups of the translated source by plain numbered ones and returns
 * the number of each capture. Group numbers follow the order of opening parentheses.
 */
function numberGroups(
  out: string,
  flags: string,
  captures: readonly { name: string; capture: CaptureSpec }[],
  backtrackingOnly: boolean,
): TranslatedRegex {
  const numbers = new Map<string, number>();
  let result = '';
  let group = 0;
  let i = 0;
  let inClass = false;
  while (i < out.length) {
    const c = out[i] as string;
    if (c === '\\') {
      const ref = inClass ? null : /^\\k<([ag]\d+)>/.exec(out.slice(i));
      if (ref) {
        const n = numbers.get(ref[1] as string);
        if (n === undefined) throw new TranslateError('internal: backreference before its group');
        // `(?:)` keeps a following digit from extending the group number.
        result += `\\${n}(?:)`;
        i += ref[0].length;
        continue;
      }
      result += out.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      result += c;
      i += 1;
      continue;
    }
    if (c === '[') {
      inClass = true;
      result += c;
      i += 1;
      if (out[i] === '^') {
        result += '^';
        i += 1;
      }
      continue;
    }
    if (c === '(') {
      const named = /^\(\?<([ag]\d+)>/.exec(out.slice(i));
      if (named) {
        group += 1;
        numbers.set(named[1] as string, group);
        result += '(';
        i += named[0].length;
        continue;
      }
      if (out[i + 1] !== '?') group += 1;
    }
    result += c;
    i += 1;
  }
  const groups = captures.map(({ name, capture }) => ({ group: numbers.get(name) as number, capture }));
  return { source: result, flags, groups, backtrackingOnly };
}
