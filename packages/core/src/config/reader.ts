import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Document, LineCounter } from 'yaml';
import { z } from 'zod';
import { expandEnvInYaml, maskSubstitutions, type Substitution } from '../env-substitution.js';
import { ConfigError } from '../errors.js';
import { yaml } from '../lazy-yaml.js';
import { type ConfigNodeMeta, configNodes, didYouMean } from './schema.js';

/**
 * The one config reader: YAML (or JSON) text → `${VAR}` substitution → old camelCase keys
 * renamed (with a deprecation each) → a declared zod schema → a typed value. Every error names
 * the file, the key as the user wrote it, the value and what is valid, and ends with where it
 * is: `file: inputs[0].port must be ..., got 70000 (at file:3:18)`, or for a missing key the map
 * that lacks it (`file: output.url is required (in the map at file:1:1)`). The location comes
 * last so that `file: key` stays the start of the message, as it was before lines were known.
 *
 * File kinds whose messages have always started with their location (pipeline files, like a
 * compiler's: `file:line:col: "processors" must be a list of steps, got 3`) use the `where`
 * layout of the same reader (ValidateOptions). Both read the same declarations, and the same
 * declaration is published as JSON Schema (configJsonSchema), so what is checked and what is
 * published cannot drift. Used by: shipper files (shipper/src/config), pipeline files and
 * their metrics section (parser/src/pipeline/schema.ts, parser/src/log-metrics/config.ts).
 */

type PathSegment = string | number;

/** A key written in an old spelling: still read, reported once so the user can rename it. */
export interface Deprecation {
  /** Where the key is, e.g. `inputs[0].startAt` or `shipper.yaml: inputs[0].startAt (at shipper.yaml:7:5)`. */
  readonly where: string;
  readonly old: string;
  readonly current: string;
  /** One line for the log: "... startAt is deprecated: write start_at". */
  readonly message: string;
}

export interface ConfigResult<T> {
  readonly value: T;
  readonly deprecations: readonly Deprecation[];
}

/** `inputs[0].port` from ['inputs', 0, 'port']. */
export function keyPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path)
    out += typeof segment === 'number' ? `[${segment}]` : out ? `.${segment}` : segment;
  return out;
}

/** camelCase → snake_case: `maxLineBytes` → `max_line_bytes`. */
export function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Where a value sits in the file, for messages. */
export interface Locator {
  readonly file: string;
  /** Line and column of the node at `path` (the key of a map entry); `exact` false when only its parent exists. */
  locate(path: readonly PathSegment[]): { line: number; col: number; exact: boolean } | undefined;
}

/**
 * How a reader lays out its messages. The default (`locator`) is the shipper's: `file: key
 * predicate (at file:line:col)`, the key put before the schema's predicate by the reader. With
 * `where`, a message is `where(path): sentence`, the schema's message being the whole sentence
 * (it names its key as the file kind always has, e.g. `"processors" must be a list of steps`):
 * for file kinds whose messages start with their location, as compilers' do.
 */
export interface ValidateOptions {
  readonly locator?: Locator;
  /** The start of a message about the value at `path` (`file:line:col`); '' for none. */
  readonly where?: (path: readonly PathSegment[]) => string;
  /**
   * Read camelCase spellings of snake_case keys, with a deprecation each (default true). A file
   * kind that never had camelCase keys says false, so `maxSeries` stays an unknown key.
   */
  readonly camelCase?: boolean;
}

/** Validates a value already parsed (from a file, or built by a command line). */
export function validateConfig<S extends z.ZodType>(
  schema: S,
  value: unknown,
  options?: Locator | ValidateOptions,
): ConfigResult<z.output<S>> {
  const {
    locator,
    where,
    camelCase = true,
  }: ValidateOptions = options && 'locate' in options ? { locator: options } : (options ?? {});
  const renamed = camelCase
    ? renameDeprecatedKeys(schema, value)
    : { value, renames: [], original: () => undefined };
  const written = (path: readonly PathSegment[]) =>
    path.map((s, i) => renamed.original(path.slice(0, i + 1)) ?? s);
  const result = schema.safeParse(renamed.value);
  if (!result.success) {
    const problem = problemOf(schema, renamed.value, result.error.issues);
    const hint =
      problem.hint ??
      (where && problem.unknownKey
        ? didYouMean(problem.unknownKey.key, problem.unknownKey.known).hint
        : undefined);
    const options = hint === undefined ? {} : { hint };
    if (where) {
      const at = where(written(problem.path));
      throw new ConfigError(`${at ? `${at}: ` : ''}${problem.message}`, options);
    }
    const key = keyPath(written(problem.path));
    const subject = key ? `${key} ` : 'the file ';
    const place = locator?.locate(written(problem.path));
    if (!locator || !place)
      throw new ConfigError(`${locator ? `${locator.file}: ` : ''}${subject}${problem.message}`, options);
    const at = `${locator.file}:${place.line}:${place.col}`;
    throw new ConfigError(
      `${locator.file}: ${subject}${problem.message} (${place.exact ? 'at' : 'in the map at'} ${at})`,
      options,
    );
  }
  const deprecations = renamed.renames.map(({ path, old, current }) => {
    const key = keyPath(written(path));
    if (where) {
      const at = where(written(path));
      const start = at ? `${at}: ` : '';
      return {
        where: `${start}${key}`,
        old,
        current,
        message: `${start}${old} is deprecated: write ${current} instead`,
      };
    }
    const place = locator?.locate(written(path));
    const at = locator && place ? ` (at ${locator.file}:${place.line}:${place.col})` : '';
    return {
      where: `${locator ? `${locator.file}: ` : ''}${key}${at}`,
      old,
      current,
      message: `${locator ? `${locator.file}: ` : ''}${key} is deprecated: write ${current} instead${at}`,
    };
  });
  return { value: result.data, deprecations };
}

/** `file:line:col` of the value at a path; the column is left out when it is 1 (the line says it all). */
export function whereIn(locator: Locator): (path: readonly PathSegment[]) => string {
  return (path) => {
    const place = locator.locate(path);
    if (!place) return locator.file;
    return `${locator.file}:${place.line}${place.col > 1 ? `:${place.col}` : ''}`;
  };
}

/** Reads, substitutes and validates a YAML or JSON config file. `what` names it in read errors. */
export async function readConfigFile<S extends z.ZodType>(
  path: string,
  schema: S,
  what = 'config',
): Promise<ConfigResult<z.output<S>>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { hint: 'check the path given to --config', cause: error },
    );
  }
  return parseConfigText(text, path, schema);
}

/** parseConfigText for text already in memory; `file` names it in messages. */
export function parseConfigText<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
): ConfigResult<z.output<S>> {
  const { doc, lineCounter, substitutions } = parseConfigDocument(text, file);
  try {
    return validateConfig(schema, doc.toJS(), yamlLocator(doc, file, lineCounter));
  } catch (error) {
    throw maskSubstitutions(error, substitutions);
  }
}

/**
 * The first step of every config file: the text parsed (a `.json` file as JSON, anything else
 * as YAML; both keep positions for messages), then `${VAR}` and `${VAR:-default}` substituted in
 * its values (../env-substitution.ts). A syntax error is `file:line: not valid YAML|JSON: ...`.
 */
export function parseConfigDocument(
  text: string,
  file: string,
): {
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  readonly substitutions: readonly Substitution[];
} {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const json = extname(file).toLowerCase() === '.json';
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    ...(json ? { schema: 'json' as const } : {}),
  });
  const syntax = doc.errors[0];
  if (syntax) {
    const line = lineCounter.linePos(syntax.pos[0]).line;
    throw new ConfigError(
      `${file}:${line}: not valid ${json ? 'JSON' : 'YAML'}: ${syntax.message.split('\n')[0]}`,
    );
  }
  const substitutions = expandEnvInYaml(doc, file, lineCounter);
  return { doc, lineCounter, substitutions };
}

/** Finds nodes of a parsed YAML document by path; map entries are located by their key. */
export function yamlLocator(doc: Document, file: string, lineCounter: LineCounter): Locator {
  const { isMap, isScalar, isSeq } = yaml();
  return {
    file,
    locate(path) {
      let node: unknown = doc.contents;
      let offset = (node as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
      for (const segment of path) {
        let next: unknown;
        let nextOffset: number | undefined;
        if (isSeq(node) && typeof segment === 'number') {
          next = node.items[segment];
          nextOffset = (next as { range?: [number, number, number] } | undefined)?.range?.[0];
        } else if (isMap(node)) {
          const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
          next = pair?.value;
          nextOffset = (pair?.key as { range?: [number, number, number] } | undefined)?.range?.[0];
        }
        if (nextOffset === undefined) {
          const { line, col } = lineCounter.linePos(offset);
          return { line, col, exact: false };
        }
        node = next;
        offset = nextOffset;
      }
      const { line, col } = lineCounter.linePos(offset);
      return { line, col, exact: true };
    },
  };
}

/**
 * The JSON Schema of a config file kind, for editors (yaml-language-server) and for checking
 * files outside Sluice. It describes what may be written, before durations and sizes are read.
 */
export function configJsonSchema(schema: z.ZodType, meta: { readonly title: string; readonly id?: string }) {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...json, ...(meta.id ? { $id: meta.id } : {}), title: meta.title };
}

interface Rename {
  readonly path: readonly PathSegment[];
  readonly old: string;
  readonly current: string;
}

/**
 * Copies `value` with every key of a declared map that is written in camelCase and declared in
 * snake_case renamed. Only declared maps are touched: a user's own names (`fields:`) never are.
 */
function renameDeprecatedKeys(
  schema: z.ZodType,
  value: unknown,
): {
  readonly value: unknown;
  readonly renames: readonly Rename[];
  original(path: readonly PathSegment[]): string | undefined;
} {
  const renames: Rename[] = [];
  const originals = new Map<string, string>();
  const walk = (s: z.ZodType, v: unknown, path: readonly PathSegment[]): unknown => {
    const inner = unwrap(s, v);
    if (inner instanceof z.ZodArray && Array.isArray(v)) {
      return v.map((item, i) => walk(inner.element as z.ZodType, item, [...path, i]));
    }
    if (!(inner instanceof z.ZodObject) || !isPlainObject(v)) return v;
    const shape = inner.shape as Record<string, z.ZodType>;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(v)) {
      const current = snakeCase(key);
      const rename = !(key in shape) && current !== key && current in shape && !(current in v);
      const name = rename ? current : key;
      if (rename) {
        renames.push({ path: [...path, name], old: key, current });
        originals.set(JSON.stringify([...path, name]), key);
      }
      out[name] = shape[name] ? walk(shape[name], item, [...path, name]) : item;
    }
    return out;
  };
  const renamed = walk(schema, value, []);
  return { value: renamed, renames, original: (path) => originals.get(JSON.stringify(path)) };
}

/** The schema that reads `value`: through optional, default, pipes and (discriminated) unions. */
function unwrap(schema: z.ZodType, value: unknown): z.ZodType {
  const chain = unwrapChain(schema, value);
  return chain[chain.length - 1] as z.ZodType;
}

/** `schema`, then each schema it wraps that reads `value`, innermost last. */
function unwrapChain(schema: z.ZodType, value: unknown): z.ZodType[] {
  const chain = [schema];
  let s: z.ZodType = schema;
  for (let depth = 0; depth < 20; depth++) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) {
      s = s.unwrap() as z.ZodType;
    } else if (s instanceof z.ZodPipe) {
      s = s.in as z.ZodType;
    } else if (s instanceof z.ZodUnion) {
      const match = unionOption(s, value);
      if (match === undefined) return chain;
      s = (s.options as readonly z.ZodType[])[match] as z.ZodType;
    } else {
      return chain;
    }
    chain.push(s);
  }
  return chain;
}

/** The index of the option of a union that the shape of `value` chose, if one did. */
function unionOption(union: z.ZodUnion, value: unknown): number | undefined {
  const options = union.options as readonly z.ZodType[];
  const discriminator =
    union instanceof z.ZodDiscriminatedUnion ? (union.def.discriminator as string) : undefined;
  const tag = discriminator && isPlainObject(value) ? value[discriminator] : undefined;
  const index = options.findIndex((option) => {
    const inner = unwrap(option, value);
    if (!(inner instanceof z.ZodObject)) {
      if (Array.isArray(value)) return inner instanceof z.ZodArray;
      if (typeof value === 'string') return inner instanceof z.ZodString;
      if (typeof value === 'number') return inner instanceof z.ZodNumber;
      if (typeof value === 'boolean') return inner instanceof z.ZodBoolean;
      return false;
    }
    if (!isPlainObject(value)) return false;
    if (discriminator === undefined) return true;
    const literal = (inner.shape as Record<string, z.ZodType>)[discriminator];
    return literal instanceof z.ZodLiteral && literal.values.has(tag as never);
  });
  return index < 0 ? undefined : index;
}

/** The schemas (wrappers first) and the value at `path`; undefined where nothing is declared. */
function nodeAt(
  schema: z.ZodType,
  value: unknown,
  path: readonly PathSegment[],
): { readonly chain: readonly z.ZodType[]; readonly value: unknown } | undefined {
  let chain = unwrapChain(schema, value);
  let current = value;
  for (const segment of path) {
    const inner = chain[chain.length - 1];
    let next: z.ZodType | undefined;
    if (inner instanceof z.ZodObject) next = (inner.shape as Record<string, z.ZodType>)[String(segment)];
    else if (inner instanceof z.ZodArray) next = inner.element as z.ZodType;
    else if (inner instanceof z.ZodRecord) next = inner.valueType as z.ZodType;
    if (next === undefined) return undefined;
    current =
      current !== null && typeof current === 'object'
        ? (current as Record<PathSegment, unknown>)[segment]
        : undefined;
    chain = unwrapChain(next, current);
  }
  return { chain, value: current };
}

interface Problem {
  readonly path: readonly PathSegment[];
  readonly message: string;
  readonly hint?: string;
  /** For an unrecognized key: the key and the keys its map declares. */
  readonly unknownKey?: { readonly key: string; readonly known: readonly string[] };
}

/**
 * The one problem a message tells, from zod's issues: the first one, except that a misspelt key
 * goes before a problem with another key of its map (often the one it leaves missing); a union reports the issue of the option the
 * value's shape chose (a list for a list, a map for a map), not "no option matched"; and a value
 * marked `whole` is reported as a whole.
 */
function problemOf(schema: z.ZodType, value: unknown, issues: readonly z.core.$ZodIssue[]): Problem {
  let issue = issues[0] as z.core.$ZodIssue;
  const misspelt = issues.find(
    (i) =>
      i.code === 'unrecognized_keys' &&
      i.path.length === issue.path.length - 1 &&
      i.path.every((segment, n) => segment === issue.path[n]),
  );
  if (misspelt) issue = misspelt;
  let path = issue.path as PathSegment[];
  if (issue.code === 'invalid_union') {
    const at = nodeAt(schema, value, path);
    const union = at?.chain.find((s): s is z.ZodUnion => s instanceof z.ZodUnion);
    const option = union ? unionOption(union, at?.value) : undefined;
    const inner = option === undefined ? undefined : issue.errors[option];
    if (inner?.[0]) {
      const prefixed = inner.map((i) => ({ ...i, path: [...path, ...i.path] }) as z.core.$ZodIssue);
      return problemOf(schema, value, prefixed);
    }
  }
  let unknownKey: Problem['unknownKey'];
  if (issue.code === 'unrecognized_keys') {
    const map = nodeAt(schema, value, path)?.chain.at(-1);
    const key = String(issue.keys[0]);
    path = [...path, key];
    unknownKey = {
      key,
      known: map instanceof z.ZodObject ? Object.keys(map.shape as Record<string, unknown>) : [],
    };
  }
  // An invalid key is about the key: what is declared for the value under it does not apply.
  const last = issue.code === 'invalid_key' ? path.length - 1 : path.length;
  const metas: (ConfigNodeMeta | undefined)[] = [];
  for (let length = 0; length <= last; length++) {
    const at = nodeAt(schema, value, path.slice(0, length));
    const meta: ConfigNodeMeta | undefined =
      at && Object.assign({}, ...at.chain.map((s) => configNodes.get(s)));
    metas.push(meta);
    if (at && meta?.whole) {
      const hint = meta.hint;
      return {
        path: path.slice(0, length),
        message: meta.whole(at.value, path.slice(0, length)),
        ...(hint ? { hint } : {}),
      };
    }
  }
  const subjectAt = metas.findLastIndex((m) => m?.subject !== undefined);
  const subject = subjectAt < 0 ? '' : (metas[subjectAt]?.subject?.(path.slice(0, subjectAt)) ?? '');
  const params = (issue as { params?: { hint?: unknown } }).params;
  const hint =
    typeof params?.hint === 'string' ? params.hint : last === path.length ? metas[last]?.hint : undefined;
  return {
    path,
    message: `${subject}${issue.message}`,
    ...(hint ? { hint } : {}),
    ...(unknownKey ? { unknownKey } : {}),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
