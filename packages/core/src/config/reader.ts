import { readFile } from 'node:fs/promises';
import { type Document, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { expandEnvInYaml, maskSubstitutions } from '../env-substitution.js';
import { ConfigError } from '../errors.js';

/**
 * The one config reader: YAML (or JSON) text → `${VAR}` substitution → old camelCase keys
 * renamed (with a deprecation each) → a declared zod schema → a typed value. Every error names
 * the file, the key as the user wrote it, the value and what is valid, and ends with where it
 * is: `file: inputs[0].port must be ..., got 70000 (at file:3:18)`, or for a missing key the map
 * that lacks it (`file: output.url is required (in the map at file:1:1)`). The location comes
 * last so that `file: key` stays the start of the message, as it was before lines were known.
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

/** Where a value sits in the file, for messages; undefined without a file. */
interface Locator {
  readonly file: string;
  /** Line and column of the node at `path` (the key of a map entry); `exact` false when only its parent exists. */
  locate(path: readonly PathSegment[]): { line: number; col: number; exact: boolean } | undefined;
}

/** Validates a value already parsed (from a file, or built by a command line). */
export function validateConfig<S extends z.ZodType>(
  schema: S,
  value: unknown,
  locator?: Locator,
): ConfigResult<z.output<S>> {
  const renamed = renameDeprecatedKeys(schema, value);
  const written = (path: readonly PathSegment[]) =>
    path.map((s, i) => renamed.original(path.slice(0, i + 1)) ?? s);
  const result = schema.safeParse(renamed.value);
  if (!result.success) {
    const issue = result.error.issues[0] as z.core.$ZodIssue;
    const path =
      issue.code === 'unrecognized_keys'
        ? [...(issue.path as PathSegment[]), String(issue.keys[0])]
        : (issue.path as PathSegment[]);
    const key = keyPath(written(path));
    const subject = key ? `${key} ` : 'the file ';
    const place = locator?.locate(written(path));
    if (!locator || !place)
      throw new ConfigError(`${locator ? `${locator.file}: ` : ''}${subject}${issue.message}`);
    const at = `${locator.file}:${place.line}:${place.col}`;
    throw new ConfigError(
      `${locator.file}: ${subject}${issue.message} (${place.exact ? 'at' : 'in the map at'} ${at})`,
    );
  }
  const deprecations = renamed.renames.map(({ path, old, current }) => {
    const key = keyPath(written(path));
    const place = locator?.locate(written(path));
    const at = locator && place ? ` (at ${locator.file}:${place.line}:${place.col})` : '';
    const where = `${locator ? `${locator.file}: ` : ''}${key}${at}`;
    return {
      where,
      old,
      current,
      message: `${locator ? `${locator.file}: ` : ''}${key} is deprecated: write ${current} instead${at}`,
    };
  });
  return { value: result.data, deprecations };
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
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax) {
    const line = lineCounter.linePos(syntax.pos[0]).line;
    throw new ConfigError(`${file}:${line}: not valid YAML: ${syntax.message.split('\n')[0]}`);
  }
  // ${VAR} and ${VAR:-default} in values (../env-substitution.ts).
  const substitutions = expandEnvInYaml(doc, file, lineCounter);
  try {
    return validateConfig(schema, doc.toJS(), yamlLocator(doc, file, lineCounter));
  } catch (error) {
    throw maskSubstitutions(error, substitutions);
  }
}

/** Finds nodes of a parsed YAML document by path; map entries are located by their key. */
export function yamlLocator(doc: Document, file: string, lineCounter: LineCounter): Locator {
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
  let s: z.ZodType = schema;
  for (let depth = 0; depth < 20; depth++) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) {
      s = s.unwrap() as z.ZodType;
    } else if (s instanceof z.ZodPipe) {
      s = s.in as z.ZodType;
    } else if (s instanceof z.ZodUnion) {
      const options = s.options as readonly z.ZodType[];
      const discriminator =
        s instanceof z.ZodDiscriminatedUnion ? (s.def.discriminator as string) : undefined;
      const tag = discriminator && isPlainObject(value) ? value[discriminator] : undefined;
      const match = options.find((option) => {
        const inner = unwrap(option, value);
        if (!(inner instanceof z.ZodObject)) return Array.isArray(value) && inner instanceof z.ZodArray;
        if (!isPlainObject(value)) return false;
        if (discriminator === undefined) return true;
        const literal = (inner.shape as Record<string, z.ZodType>)[discriminator];
        return literal instanceof z.ZodLiteral && literal.values.has(tag as never);
      });
      if (!match) return s;
      s = match;
    } else {
      return s;
    }
  }
  return s;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
