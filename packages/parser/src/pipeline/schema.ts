import { configJsonSchema, z } from '@sluice/core';
import { ECS_COMPATIBILITY_VALUES } from '../patterns/library.js';
import { knownProcessors } from '../processors/registry.js';

/**
 * The pipeline file as JSON Schema, for editors (`sluice schema pipeline`). Built from the
 * processor registry, so a new processor appears in completion without an edit here. Each
 * step's options are checked by its processor when the pipeline is compiled (with
 * `file:line:column` messages, see load.ts); the schema gives the keys and their shape.
 */
export function pipelineFileSchema() {
  const step = (name: string) =>
    z.strictObject({
      [name]: z.record(z.string(), z.unknown()).meta({ description: `The ${name} processor's options.` }),
      if: z.unknown().optional().meta({ description: 'A condition: the step runs only for events it matches.' }),
    });
  const moduleStep = z.strictObject({
    module: z.string().meta({ description: "A built-in module's steps, inline (`sluice modules` lists them)." }),
    if: z.unknown().optional(),
  });
  const steps = z.array(z.union([...knownProcessors().map(step), moduleStep]));
  const metric = z.looseObject({
    name: z.string().meta({ description: 'sluice_logs_..._total (counter) or a histogram name.' }),
    type: z.enum(['counter', 'histogram']),
  });
  return z.union([
    z.strictObject({
      description: z.string().optional().meta({ description: 'Free text.' }),
      patterns_dir: z
        .union([z.string(), z.array(z.string()).min(1)])
        .optional()
        .meta({ description: 'Directories (or files) of grok patterns, relative to this file.' }),
      pattern_definitions: z
        .record(z.string().regex(/^[A-Za-z0-9_]+$/), z.string())
        .optional()
        .meta({ description: 'NAME: regex; override patterns_dir.' }),
      ecs_compatibility: z
        .enum(ECS_COMPATIBILITY_VALUES)
        .optional()
        .meta({ description: 'v1 (default): ECS field names; disabled: the legacy grok names.' }),
      processors: steps.meta({ description: 'The steps, run in order.' }),
      metrics: z.array(metric).optional().meta({ description: 'Log lines counted into Prometheus metrics.' }),
    }),
    steps,
  ]);
}

/** The published JSON Schema of pipeline files (`sluice schema pipeline`). */
export function pipelineJsonSchema(): Record<string, unknown> {
  return configJsonSchema(pipelineFileSchema(), { title: 'Sluice pipeline file (sluice consume --config)' });
}
