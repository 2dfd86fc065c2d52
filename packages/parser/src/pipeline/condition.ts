import { ConfigError, fieldPath, getField, type JsonObject, type JsonValue } from '@sluice/core';
import { describe, isFieldPath } from '../processors/options.js';

/**
 * The `if:` condition of a pipeline step. A condition is one small mapping; exactly one
 * of these forms:
 *
 *   { field: F, equals: V }     F's value equals the scalar V. A number also equals its
 *                               decimal string ("404" == 404) because grok captures
 *                               strings unless told `:int`.
 *   { field: F, matches: R }    F's value (a string, or a number as text) matches the
 *                               JavaScript regular expression R (unanchored).
 *   { field: F, in: [V, ...] }  F's value equals one of the scalars (same rule as equals).
 *   { exists: F }               F is present (any value, null included).
 *   { tag: T }                  `tags` contains T (e.g. "_grokparsefailure").
 *   { not: C }                  C is false.
 *   { all: [C, ...] }           every C is true (an empty list is true).
 *   { any: [C, ...] }           some C is true (an empty list is false).
 *
 * A condition never throws on data: a missing field or a value of another type is
 * simply "false" for equals/matches/in.
 */
export type ConditionSpec =
  | { readonly field: string; readonly equals: Scalar }
  | { readonly field: string; readonly matches: string }
  | { readonly field: string; readonly in: readonly Scalar[] }
  | { readonly exists: string }
  | { readonly tag: string }
  | { readonly not: ConditionSpec }
  | { readonly all: readonly ConditionSpec[] }
  | { readonly any: readonly ConditionSpec[] };

export type Scalar = string | number | boolean | null;
export type Condition = (event: JsonObject) => boolean;

const FORMS =
  '{ field, equals }, { field, matches }, { field, in }, { exists }, { tag }, { not }, { all }, { any }';

/**
 * Compiles a condition once (regexes included). `where` starts every error message;
 * `path` names the position inside nested conditions (`if.all[1]`).
 */
export function compileCondition(spec: unknown, where: string, path = 'if'): Condition {
  const fail = (message: string): ConfigError =>
    new ConfigError(`${where ? `${where}: ` : ''}"${path}" ${message}`, {
      hint: `a condition is one of ${FORMS}`,
    });

  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw fail(`must be a condition mapping, got ${describe(spec)}`);
  }
  const c = spec as Record<string, unknown>;
  const keys = Object.keys(c);

  if ('field' in c) {
    const ops = keys.filter((k) => k !== 'field');
    if (ops.length !== 1 || !['equals', 'matches', 'in'].includes(ops[0] as string)) {
      throw fail(`with "field" needs exactly one of "equals", "matches", "in", got ${describe(spec)}`);
    }
    const field = c.field;
    if (typeof field !== 'string' || !isFieldPath(field))
      throw fail(`"field" must be a field name, got ${describe(field)}`);
    const parts = fieldPath(field);
    const op = ops[0] as 'equals' | 'matches' | 'in';
    if (op === 'equals') {
      const expected = c.equals;
      if (!isScalar(expected))
        throw fail(`"equals" must be a string, number, boolean or null, got ${describe(expected)}`);
      return (event) => scalarEquals(getField(event, parts), expected);
    }
    if (op === 'matches') {
      const source = c.matches;
      if (typeof source !== 'string')
        throw fail(`"matches" must be a regular expression string, got ${describe(source)}`);
      let re: RegExp;
      try {
        re = new RegExp(source);
      } catch (error) {
        throw fail(
          `"matches" is not a valid regular expression: ${describe(source)} (${(error as Error).message})`,
        );
      }
      return (event) => {
        const value = getField(event, parts);
        if (typeof value === 'string') return re.test(value);
        if (typeof value === 'number' || typeof value === 'boolean') return re.test(String(value));
        return false;
      };
    }
    const list = c.in;
    if (!Array.isArray(list) || !list.every(isScalar)) {
      throw fail(`"in" must be a list of strings, numbers, booleans or nulls, got ${describe(list)}`);
    }
    const values = list as Scalar[];
    return (event) => {
      const value = getField(event, parts);
      for (const v of values) if (scalarEquals(value, v)) return true;
      return false;
    };
  }

  if (keys.length !== 1) throw fail(`must have exactly one of ${FORMS}, got ${describe(spec)}`);
  const key = keys[0] as string;
  const arg = c[key];
  switch (key) {
    case 'exists': {
      if (typeof arg !== 'string' || !isFieldPath(arg))
        throw fail(`"exists" must be a field name, got ${describe(arg)}`);
      const parts = fieldPath(arg);
      return (event) => getField(event, parts) !== undefined;
    }
    case 'tag': {
      if (typeof arg !== 'string' || arg === '') throw fail(`"tag" must be a tag name, got ${describe(arg)}`);
      return (event) => Array.isArray(event.tags) && event.tags.includes(arg);
    }
    case 'not': {
      const inner = compileCondition(arg, where, `${path}.not`);
      return (event) => !inner(event);
    }
    case 'all':
    case 'any': {
      if (!Array.isArray(arg)) throw fail(`"${key}" must be a list of conditions, got ${describe(arg)}`);
      const inner = arg.map((item, i) => compileCondition(item, where, `${path}.${key}[${i}]`));
      return key === 'all'
        ? (event) => {
            for (const cond of inner) if (!cond(event)) return false;
            return true;
          }
        : (event) => {
            for (const cond of inner) if (cond(event)) return true;
            return false;
          };
    }
    default:
      throw fail(`has unknown form "${key}"; valid forms: ${FORMS}`);
  }
}

function isScalar(value: unknown): value is Scalar {
  return (
    value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
  );
}

function scalarEquals(actual: JsonValue | undefined, expected: Scalar): boolean {
  if (actual === expected) return true;
  if (typeof expected === 'number' && typeof actual === 'string')
    return actual !== '' && Number(actual) === expected;
  if (typeof expected === 'string' && typeof actual === 'number')
    return expected !== '' && Number(expected) === actual;
  return false;
}
