import { configJsonSchema, whole, withHint, z } from '@sluice/core/config';
import { logMetricSchema, metricsSectionSchema } from '../log-metrics/config.js';
import {
  ECS_COMPATIBILITY_VALUES,
  type EcsCompatibility,
  parseEcsCompatibility,
} from '../patterns/library.js';
import { describe } from '../processors/options.js';
import { knownProcessors, processorRegistry } from '../processors/registry.js';

/** The top-level keys of a pipeline file, in the order the schema declares them. */
export const PIPELINE_FILE_KEYS = [
  'description',
  'patterns_dir',
  'pattern_definitions',
  'ecs_compatibility',
  'processors',
  'metrics',
] as const;

/**
 * The pipeline file, declared once. Its messages are whole sentences, read by core's reader in
 * its `where` style (`file:line[:col]: "key" must be ..., got ...`, see load.ts).
 *
 * Two sections are lists whose items are read one by one, every bad item reported (for `sluice
 * check`): `processors` (each step by its processor, compile.ts) and `metrics` (each declaration
 * by logMetricSchema, log-metrics/config.ts). So the file is declared with its items as
 * parameters: load.ts reads it with the items left for later (`z.unknown()`), and the published
 * schema (`sluice schema pipeline`) is the same declaration with the items' own schemas.
 */
function pipelineFile<Step extends z.ZodType, Metrics extends z.ZodType>(step: Step, metrics: Metrics) {
  const steps = z.array(step, {
    error: (issue) =>
      issue.input === undefined
        ? `"processors" is missing; valid top-level keys: ${PIPELINE_FILE_KEYS.join(', ')}`
        : `"processors" must be a list of steps, got ${describe(issue.input)}`,
  });
  const shape = {
    description: z
      .string({ error: (issue) => `"description" must be text, got ${describe(issue.input)}` })
      .optional()
      .meta({ description: 'Free text.' }),
    patterns_dir: whole(
      z
        .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
        .meta({ description: 'Directories (or files) of grok patterns, relative to this file.' }),
      (value) => `"patterns_dir" must be a directory path or a list of them, got ${describe(value)}`,
    ).optional(),
    pattern_definitions: whole(
      z
        .record(z.string().regex(/^[A-Za-z0-9_]+$/), z.string())
        .meta({ description: 'NAME: regex; override patterns_dir.' }),
      (value) =>
        `"pattern_definitions" must map pattern names (letters, digits, _) to regex strings, got ${describe(value)}`,
    ).optional(),
    ecs_compatibility: withHint(
      z
        .enum(ECS_COMPATIBILITY_VALUES, {
          error: (issue) =>
            `"ecs_compatibility" must be one of ${ECS_COMPATIBILITY_VALUES.join(', ')}, got ${describe(issue.input)}`,
        })
        .meta({ description: 'v1 (default): ECS field names; disabled: the legacy grok names.' }),
      'v1 (the default) gives ECS field names; disabled gives the legacy Logstash names',
    )
      .transform((value) => parseEcsCompatibility(value) as EcsCompatibility)
      .optional(),
    processors: steps.meta({ description: 'The steps, run in order.' }),
    metrics,
  };
  return withHint(
    z.union(
      [
        z.strictObject(shape, {
          error: (issue) =>
            issue.code === 'unrecognized_keys'
              ? `unknown key ${describe(issue.keys[0])}; valid top-level keys: ${PIPELINE_FILE_KEYS.join(', ')}`
              : 'a pipeline file must be a mapping with "processors" (or a list of processors)',
        }),
        // A file may also be just the list of processors.
        z.array(step),
      ],
      { error: () => 'a pipeline file must be a mapping with "processors" (or a list of processors)' },
    ),
    'for example:\nprocessors:\n  - grok: { patterns: ["%{COMBINEDAPACHELOG}"] }',
  );
}

/** What load.ts validates: the top level; steps and metric declarations are read item by item after. */
export const pipelineFileTopLevel = pipelineFile(z.unknown(), z.unknown().optional());

/**
 * The pipeline file as published: the same declaration, with each step's shape (from the
 * processor registry, so a new processor appears in completion without an edit here) and each
 * metric declaration's schema. Each step's options are checked by its processor when the
 * pipeline is compiled (with `file:line:column` messages, see load.ts).
 */
export function pipelineFileSchema() {
  // The option keys each processor declares (the list its OptionReader accepts); their values
  // are checked by the processor. No options may be written as nothing (`- drop:`).
  const options = (name: string) => {
    const factory = processorRegistry[name];
    const keys = factory?.options;
    const map =
      keys === undefined
        ? z.record(z.string(), z.unknown())
        : z.strictObject(Object.fromEntries(keys.map((key) => [key, z.unknown().optional()])));
    const one = map.nullable();
    return (factory?.optionsList ? z.union([one, z.array(map)]) : one).meta({
      description: `The ${name} processor's options${keys?.length ? `: ${keys.join(', ')}` : ''}.`,
    });
  };
  const step = (name: string) =>
    z.strictObject({
      [name]: options(name),
      if: z
        .unknown()
        .optional()
        .meta({ description: 'A condition: the step runs only for events it matches.' }),
    });
  const moduleStep = z.strictObject({
    module: z
      .string()
      .meta({ description: "A built-in module's steps, inline (`sluice modules` lists them)." }),
    if: z.unknown().optional(),
  });
  return pipelineFile(
    z.union([...knownProcessors().map(step), moduleStep]),
    metricsSectionSchema(logMetricSchema)
      .optional()
      .meta({ description: 'Log lines counted into Prometheus metrics.' }),
  );
}

/** The published JSON Schema of pipeline files (`sluice schema pipeline`). */
export function pipelineJsonSchema(): Record<string, unknown> {
  return configJsonSchema(pipelineFileSchema(), { title: 'Sluice pipeline file (sluice consume --config)' });
}
