import { z } from 'zod';
import {
  booleanProblem,
  choiceProblem,
  DURATION_PATTERN,
  durationMs,
  durationProblem,
  integerProblem,
  SIZE_PATTERN,
  show,
  sizeBytes,
  sizeProblem,
} from './values.js';

/**
 * Building blocks of config schemas. Each one carries the message Sluice prints for a bad value
 * (the predicate: "must be ..., got ..."; the reader puts the key and the location before it)
 * and describes itself for the published JSON Schema. Keys are snake_case.
 *
 * The message convention: a zod issue's message is the predicate alone; for a missing value
 * the schemas say "is required ...". See reader.ts for how keys and locations are added.
 */

type Issue = { readonly code?: string; readonly input?: unknown };

/** A non-empty string. */
export function text(description?: string) {
  const error = (issue: Issue) =>
    issue.input === undefined ? 'is required' : `must be a non-empty string, got ${show(issue.input)}`;
  const schema = z.string({ error }).min(1, { error });
  return description ? schema.meta({ description }) : schema;
}

/** true or false. */
export function flag(description?: string) {
  const schema = z.boolean({
    error: (issue) =>
      issue.input === undefined ? 'is required' : (booleanProblem(issue.input) ?? 'is invalid'),
  });
  return description ? schema.meta({ description }) : schema;
}

/** One of a fixed set of words. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, description?: string) {
  const schema = z.enum(values, {
    error: (issue) =>
      issue.input === undefined
        ? `is required (${values.join(', ')})`
        : (choiceProblem(issue.input, values) ?? 'is invalid'),
  });
  return description ? schema.meta({ description }) : schema;
}

/** A whole number in [min, max]. */
export function integer(min: number, max: number, description?: string) {
  const rule = { min, max } as const;
  const error = (issue: Issue) =>
    issue.input === undefined
      ? `is required (a whole number from ${min} to ${max})`
      : integerProblem(issue.input, rule);
  const schema = z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
  return description ? schema.meta({ description }) : schema;
}

/** A duration (`250ms`, `5s`, `2m`, `1h`, or a number of milliseconds) read as milliseconds. */
export function duration(minMs: number, maxMs: number, description?: string) {
  const error = (issue: Issue) =>
    issue.input === undefined ? 'is required' : (durationProblem(issue.input, minMs, maxMs) ?? 'is invalid');
  return z
    .union(
      [
        z.number({ error }).min(minMs, { error }).max(maxMs, { error }),
        z.string({ error }).regex(new RegExp(DURATION_PATTERN), { error }),
      ],
      { error },
    )
    .transform((raw, context) => {
      const problem = durationProblem(raw, minMs, maxMs);
      if (problem === undefined) return durationMs(raw) as number;
      context.issues.push({ code: 'custom', message: problem, input: raw });
      return z.NEVER;
    })
    .meta({
      description: `${description ? `${description} ` : ''}A duration: milliseconds, or 250ms, 5s, 2m, 1h (${minMs}ms to ${maxMs}ms).`,
    });
}

/** A size (`64KiB`, `1MiB`, `1GiB`, or a number of bytes) read as bytes. */
export function size(min: number, max: number, description?: string) {
  const error = (issue: Issue) =>
    issue.input === undefined ? 'is required' : (sizeProblem(issue.input, min, max) ?? 'is invalid');
  return z
    .union(
      [
        z.number({ error }).min(min, { error }).max(max, { error }),
        z.string({ error }).regex(new RegExp(SIZE_PATTERN), { error }),
      ],
      { error },
    )
    .transform((raw, context) => {
      const problem = sizeProblem(raw, min, max);
      if (problem === undefined) return sizeBytes(raw) as number;
      context.issues.push({ code: 'custom', message: problem, input: raw });
      return z.NEVER;
    })
    .meta({
      description: `${description ? `${description} ` : ''}A size: bytes, or 64KiB, 1MiB, 1GiB (${min} to ${max} bytes).`,
    });
}

/** What the reader knows of a declared value beyond its zod type (see `whole` and `withHint`). */
export interface ConfigNodeMeta {
  /** Any problem inside the value is reported as this one sentence about the whole value (at `path`). */
  readonly whole?: (value: unknown, path: readonly (string | number)[]) => string;
  /** Shown under the message of a problem with this value ("for example ..."). */
  readonly hint?: string;
  /** Put before messages about this value and inside it: how the file kind names the value at `path`. */
  readonly subject?: (path: readonly (string | number)[]) => string;
}

/**
 * Kept apart from zod's global registry (whose entries become JSON Schema keywords): these
 * are for messages only. An entry belongs to the exact schema object, so call `whole` and
 * `withHint` after `.meta()` (which returns a copy) and before `.optional()` (which wraps).
 */
export const configNodes = z.registry<ConfigNodeMeta>();

/**
 * Marks a value whose problems are best told as one sentence about all of it (a list whose
 * order matters, a map whose keys have a form): the message is `problem(value)`, at the
 * value's own position, whatever inside it failed.
 */
export function whole<S extends z.ZodType>(
  schema: S,
  problem: (value: unknown, path: readonly (string | number)[]) => string,
): S {
  configNodes.add(schema, { ...configNodes.get(schema), whole: problem });
  return schema;
}

/**
 * Messages about this value or anything inside it start with `subject(path)`, the value's name as
 * the file kind writes it (`"labels.status"`); the schema's messages say the rest (`.transform
 * must be ...`). For values inside a union, whose messages cannot see the path above them.
 */
export function withSubject<S extends z.ZodType>(
  schema: S,
  subject: (path: readonly (string | number)[]) => string,
): S {
  configNodes.add(schema, { ...configNodes.get(schema), subject });
  return schema;
}

/** A hint shown under any message about this value itself. */
export function withHint<S extends z.ZodType>(schema: S, hint: string): S {
  configNodes.add(schema, { ...configNodes.get(schema), hint });
  return schema;
}

/** Text shown for a key nobody declared: a suggestion when one is close, then the valid keys. */
export function unknownKeyProblem(key: string, known: readonly string[]): string {
  const suggestion = closest(key, known);
  return `is not a known setting${suggestion ? `; did you mean ${suggestion}?` : ''} (known: ${known.join(', ')})`;
}

/**
 * A map with declared keys only: an unknown key is an error with a "did you mean" hint.
 * `what` completes "must be <what>, got ..." and "is required: <what>" when the map itself is
 * missing or not a map.
 */
export function section<Shape extends z.core.$ZodLooseShape>(
  shape: Shape,
  what: { readonly is: string; readonly required?: string; readonly description?: string },
) {
  const known = Object.keys(shape);
  const schema = z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') return unknownKeyProblem(String(issue.keys[0]), known);
      if (issue.input === undefined) return what.required ?? `is required: ${what.is}`;
      return `must be ${what.is}, got ${show(issue.input)}`;
    },
  });
  return what.description ? schema.meta({ description: what.description }) : schema;
}

/** `{ hint: 'did you mean X?' }` when a candidate is close to `word`, else `{}`: ConfigError options. */
export function didYouMean(word: string, candidates: readonly string[]): { hint?: string } {
  const suggestion = closest(word, candidates);
  return suggestion ? { hint: `did you mean ${suggestion}?` } : {};
}

/** The closest of `candidates` to `word` (by edit distance, at most a third of its length), if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const normal = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(normal(word), normal(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

export { z };
