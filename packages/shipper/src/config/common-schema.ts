import { ConfigError, show } from '@sluice/core';
import { duration, flag, integer, oneOf, section, size, text, z } from '@sluice/core/config';
import type { FieldValue } from '../event.js';
import { MULTILINE_PRESETS, type MultilineConfig, validateMultiline } from '../multiline.js';

/*
 * The schemas of the keys every input shares (common.ts has their types). Kept apart because
 * they load zod, about 100 ms of CPU: only reading a config file (config/schema.ts) needs them,
 * and input modules receive them as part of a SchemaKit (inputs/kind.ts) instead of importing them.
 */

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Nested maps flattened to dotted names: `{ service: { name: shop } }` → `service.name: shop`. */
export const fieldsSchema = z
  .record(z.string(), z.unknown(), {
    error: (issue) => `must be a map of field names to values, got ${show(issue.input)}`,
  })
  .transform((value, context) => {
    const out: Record<string, FieldValue> = {};
    const walk = (o: Record<string, unknown>, prefix: string): void => {
      for (const [k, val] of Object.entries(o)) {
        const path = prefix ? `${prefix}.${k}` : k;
        if (typeof val === 'string' || typeof val === 'number' || typeof val === 'boolean') out[path] = val;
        else if (Array.isArray(val) && val.every((x) => typeof x === 'string')) out[path] = val as string[];
        else if (isMap(val)) walk(val, path);
        else
          context.issues.push({
            code: 'custom',
            path: path.split('.'),
            message: `must be a string, number, boolean or list of strings, got ${show(val)}`,
            input: val,
          });
      }
    };
    walk(value, '');
    return out;
  })
  .meta({ description: 'Fields added to every event; nested maps give dotted names.' });

export const tagsSchema = z
  .array(z.string().min(1), {
    error: (issue) => `must be a list of non-empty strings, got ${show(issue.input)}`,
  })
  .meta({ description: 'Tags added to every event.' });

const multilineMap = section(
  {
    preset: oneOf(MULTILINE_PRESETS as ['java', 'python', 'indented']).optional(),
    pattern: text('A regex: lines that match (or, with negate, do not) continue an event.').optional(),
    negate: flag().optional(),
    match: oneOf(['after', 'before']).optional(),
    timeout: duration(
      1,
      3_600_000,
      'Flush a pending event after this long without lines. Default 5s.',
    ).optional(),
    max_lines: integer(1, 1_000_000, 'Lines per event at most. Default 500.').optional(),
    max_bytes: size(1, 1024 ** 3, 'Bytes per event at most. Default 10MiB.').optional(),
  },
  { is: 'a preset name or a map' },
);

/** `multiline: java`, or a map with preset or pattern. */
export const multilineSchema = z
  .union([z.enum(MULTILINE_PRESETS as ['java', 'python', 'indented']), multilineMap], {
    error: (issue) =>
      typeof issue.input === 'string'
        ? `must be one of ${MULTILINE_PRESETS.join(', ')} or a map, got ${show(issue.input)}`
        : `must be a preset name or a map, got ${show(issue.input)}`,
  })
  .transform((value, context): MultilineConfig => {
    if (typeof value === 'string') return { preset: value };
    const config: MultilineConfig = {
      ...(value.preset ? { preset: value.preset } : {}),
      ...(value.pattern !== undefined ? { pattern: value.pattern } : {}),
      ...(value.negate !== undefined ? { negate: value.negate } : {}),
      ...(value.match ? { match: value.match } : {}),
      ...(value.timeout !== undefined ? { timeoutMs: value.timeout } : {}),
      ...(value.max_lines !== undefined ? { maxLines: value.max_lines } : {}),
      ...(value.max_bytes !== undefined ? { maxBytes: value.max_bytes } : {}),
    };
    try {
      // Rules across keys (preset or pattern, a pattern that compiles) live with the joiner.
      validateMultiline(config, '');
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      context.issues.push({ code: 'custom', message: error.message, input: value });
      return z.NEVER;
    }
    return config;
  })
  .meta({ description: 'Joins lines into one event: a preset (java, python, indented) or a map.' });

/** The keys of every input. */
export const commonShape = {
  fields: fieldsSchema.optional(),
  tags: tagsSchema.optional(),
};

/** The keys of inputs that read byte streams. */
export const joiningShape = {
  multiline: multilineSchema.optional(),
  module: text(
    'A parser module whose multi-line rule this input uses (`sluice modules` lists them).',
  ).optional(),
};

/** A listening port. */
export const portSchema = () => integer(0, 65_535, 'The port to listen on.');
