import { ConfigError, fieldPath, type JsonObject, type JsonValue } from '@sluice/core';
import { builtinLibrary, type EcsCompatibility } from '../patterns/index.js';
import { type Applier, appendCapture, compileApplier } from './applier.js';
import { CAPTURE_MARK, type CaptureSpec, type CaptureType, TranslateError, translate } from './translate.js';

/**
 * The grok compiler: expands `%{SYNTAX}`, `%{SYNTAX:name}` and `%{SYNTAX:name:int|float}`
 * recursively from a pattern library, translates the Oniguruma dialect (see translate.ts)
 * and compiles one RegExp per pattern. Logstash semantics:
 * - only named captures become fields; `%{SYNTAX}` without a name is a non-capturing group;
 * - a match is a search, not anchored, unless the pattern says `^`/`$`;
 * - several patterns are tried in order and the first that matches wins;
 * - a capture that did not participate or matched the empty string sets no field
 *   (Logstash's `keep_empty_captures => false`);
 * - when several captures share a name, the first one that matched sets the field and each
 *   later one that also matched is added to it as Logstash does: a string becomes an array
 *   of both, an array grows, a number (a typed capture) stays as it is. Alternatives
 *   (`%{A:x}|%{B:x}`) never both match, so they simply give one value.
 */

/** A reference `%{NAME}`, `%{NAME:field}` or `%{NAME:field:type}`. */
const REFERENCE = /%\{([A-Za-z0-9_.-]+)(?::([^:}]+))?(?::([^:}]*))?\}/g;
const TYPES: Record<string, CaptureType> = {
  int: 'int',
  integer: 'int',
  long: 'int',
  float: 'float',
  double: 'float',
  string: 'string',
};

export interface GrokOptions {
  /** Extra definitions (patterns directory, inline `pattern_definitions`); they override built-ins. */
  readonly definitions?: Readonly<Record<string, string>>;
  /** Prefix for ConfigError messages (`pipeline.yaml:7: processor 2 (grok)`). */
  readonly where?: string;
  /** Leave out the built-in library (tests of the compiler itself). */
  readonly builtins?: boolean;
  /** Which naming mode of the built-in library: ECS v1 field names (default) or legacy. */
  readonly ecsCompatibility?: EcsCompatibility;
}

export interface CompiledCapture {
  readonly group: number;
  readonly name: string;
  /** The field path split into segments. */
  readonly path: readonly string[];
  readonly type: CaptureType | undefined;
}

export interface CompiledPattern {
  /** The pattern as the user wrote it. */
  readonly pattern: string;
  readonly regex: RegExp;
  readonly captures: readonly CompiledCapture[];
  /** Needs backtracking-only features (lookaround, atomic groups): no linear-time engine can run it. */
  readonly backtrackingOnly: boolean;
  /** Writes the captures of a match of `regex` into an event (generated code, see applier.ts). */
  readonly apply: Applier;
}

/** Expands references recursively. `stack` holds the names being expanded, to report cycles. */
function expand(
  pattern: string,
  library: Readonly<Record<string, string>>,
  marks: CaptureSpec[],
  stack: string[],
  where: string,
  original: string,
): string {
  const expanded = pattern.replace(REFERENCE, (_all, name: string, field?: string, type?: string) => {
    const definition = library[name];
    if (definition === undefined) {
      const via = stack.length > 0 ? ` (referenced from ${stack.join(' -> ')})` : '';
      throw new ConfigError(`${where}unknown grok pattern %{${name}}${via} in "${original}"`, {
        hint: 'define it in pattern_definitions or a patterns directory, or check the spelling (names are case-sensitive)',
      });
    }
    if (stack.includes(name)) {
      throw new ConfigError(
        `${where}grok pattern %{${name}} refers to itself: ${[...stack, name].join(' -> ')}`,
        {
          hint: 'a pattern cannot contain itself, directly or through other patterns',
        },
      );
    }
    const body = expand(definition, library, marks, [...stack, name], where, original);
    if (field === undefined || field === '') return `(?:${body})`;
    let captureType: CaptureType | undefined;
    if (type !== undefined) {
      captureType = TYPES[type];
      if (captureType === undefined) {
        throw new ConfigError(`${where}grok capture %{${name}:${field}:${type}} has unknown type "${type}"`, {
          hint: 'valid types: int, float (or no type for a string)',
        });
      }
    }
    checkFieldName(field, where, original);
    marks.push({ name: field, type: captureType });
    return `(?<${CAPTURE_MARK}${marks.length - 1}>${body})`;
  });
  checkNoBrokenReference(expanded, stack, where, original);
  return expanded;
}

/**
 * `%{` followed by a name that did not expand is a reference the user mistyped (`%{WORD`
 * without its brace, `%{WORD:a:b:c}`): left alone it would be matched as literal text and
 * the pattern would silently never match. `%{2,3}` (a quantifier on `%`) is left alone.
 */
const BROKEN_REFERENCE = /%\{(?=[A-Za-z_])[^}\s]{0,60}/;

function checkNoBrokenReference(
  text: string,
  stack: readonly string[],
  where: string,
  original: string,
): void {
  const broken = BROKEN_REFERENCE.exec(text);
  if (broken === null) return;
  const via = stack.length > 0 ? ` (in the definition of %{${stack[stack.length - 1]}})` : '';
  const unclosed = text.indexOf('}', broken.index) < 0;
  throw new ConfigError(
    `${where}${unclosed ? 'unclosed' : 'malformed'} grok reference "${broken[0]}${unclosed ? '' : '}'}"${via} in "${original}"`,
    {
      hint: 'a reference is %{NAME}, %{NAME:field} or %{NAME:field:int|float}; write \\%\\{ for a literal "%{"',
    },
  );
}

function checkFieldName(field: string, where: string, original: string): string[] {
  let parts: string[];
  try {
    parts = fieldPath(field);
  } catch {
    parts = [];
  }
  if (
    parts.length === 0 ||
    parts.some((p) => p === '' || p === '__proto__' || p === 'constructor' || p === 'prototype')
  ) {
    throw new ConfigError(`${where}grok capture name "${field}" is not a field name in "${original}"`, {
      hint: 'use a name like client, http.request.method or [http][request][method]',
    });
  }
  return parts;
}

export function compilePattern(pattern: string, options: GrokOptions = {}): CompiledPattern {
  const where = options.where ? `${options.where}: ` : '';
  const library =
    options.builtins === false
      ? (options.definitions ?? {})
      : { ...builtinLibrary(options.ecsCompatibility), ...options.definitions };
  const marks: CaptureSpec[] = [];
  const expanded = expand(pattern, library, marks, [], where, pattern);
  let translated: ReturnType<typeof translate>;
  try {
    translated = translate(expanded, marks);
  } catch (error) {
    if (error instanceof TranslateError) {
      throw new ConfigError(`${where}invalid grok pattern "${pattern}": ${error.message}`);
    }
    throw error;
  }
  let regex: RegExp;
  try {
    regex = new RegExp(translated.source, translated.flags);
  } catch (error) {
    throw new ConfigError(
      `${where}invalid grok pattern "${pattern}": ${error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error)}`,
    );
  }
  const captures = translated.groups.map(({ group, capture }) => ({
    group,
    name: capture.name,
    path: checkFieldName(capture.name, where, pattern),
    type: capture.type,
  }));
  return {
    pattern,
    regex,
    captures,
    backtrackingOnly: translated.backtrackingOnly,
    apply: compileApplier(captures),
  };
}

function convert(value: string, type: CaptureType | undefined): JsonValue {
  if (type === 'int') {
    const n = Number.parseInt(value, 10);
    return Number.isNaN(n) ? value : n;
  }
  if (type === 'float') {
    const n = Number.parseFloat(value);
    return Number.isNaN(n) ? value : n;
  }
  return value;
}

/**
 * Reference implementation of what a compiled pattern's `apply` does, kept simple on
 * purpose: the property tests check the generated appliers against it.
 */
export function applyCapturesGeneric(
  target: JsonObject,
  compiled: CompiledPattern,
  m: RegExpExecArray,
): number {
  let set = 0;
  const seen = new Set<string>();
  for (const capture of compiled.captures) {
    const raw = m[capture.group];
    if (raw === undefined || raw === '') continue;
    const key = capture.path.join('\u0000');
    const value = convert(raw, capture.type);
    if (seen.has(key)) {
      appendCapture(target, capture.path, value);
      continue;
    }
    seen.add(key);
    let node: JsonObject = target;
    for (const part of capture.path.slice(0, -1)) {
      const next = node[part];
      if (next === null || typeof next !== 'object' || Array.isArray(next)) {
        const created: JsonObject = {};
        node[part] = created;
        node = created;
      } else {
        node = next;
      }
    }
    node[capture.path[capture.path.length - 1] as string] = value;
    set += 1;
  }
  return set;
}

/** Several patterns, tried in order; the first that matches wins. */
export class Grok {
  readonly patterns: readonly CompiledPattern[];

  constructor(patterns: readonly string[], options: GrokOptions = {}) {
    if (patterns.length === 0) {
      throw new ConfigError(`${options.where ? `${options.where}: ` : ''}grok needs at least one pattern`);
    }
    this.patterns = patterns.map((p) => compilePattern(p, options));
  }

  /**
   * Matches `text` and writes the captured fields into `target`. Returns the index of the
   * pattern that matched, or -1.
   */
  matchInto(text: string, target: JsonObject): number {
    const patterns = this.patterns;
    for (let p = 0; p < patterns.length; p++) {
      const compiled = patterns[p] as CompiledPattern;
      const m = compiled.regex.exec(text);
      if (m !== null) {
        compiled.apply(target, m);
        return p;
      }
    }
    return -1;
  }

  /** Writes the captures of a match of `pattern` (one of this.patterns) into `target`. */
  apply(target: JsonObject, pattern: CompiledPattern, m: RegExpExecArray): void {
    pattern.apply(target, m);
  }

  /** The captured fields as a nested object, or null when no pattern matches. */
  match(text: string): JsonObject | null {
    const fields: JsonObject = {};
    return this.matchInto(text, fields) < 0 ? null : fields;
  }
}

/**
 * Reads pattern definitions in the Logstash patterns-file format: `NAME regex` per line,
 * `#` comments and blank lines ignored.
 */
export function parsePatternDefinitions(text: string, origin: string): Record<string, string> {
  const definitions: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = (lines[n] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z0-9_.-]+)\s+(.*)$/.exec(line);
    if (!m) {
      throw new ConfigError(`${origin}:${n + 1}: expected "NAME regex", got "${line.slice(0, 80)}"`, {
        hint: 'a patterns file has one definition per line: a name, whitespace, then the pattern',
      });
    }
    definitions[m[1] as string] = m[2] as string;
  }
  return definitions;
}
