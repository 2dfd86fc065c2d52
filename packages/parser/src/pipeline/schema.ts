import { configJsonSchema, z } from '@sluice/core';
import { type LabelTransform, TRANSFORMS } from '../log-metrics/config.js';
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
  const steps = z.array(z.union([...knownProcessors().map(step), moduleStep]));
  const label = z.union([
    z.string().meta({ description: 'The field whose value is the label value.' }),
    z.strictObject({
      field: z.string(),
      transform: z.enum(TRANSFORMS as [LabelTransform, ...LabelTransform[]]).optional(),
      map: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
      default: z.string().optional(),
    }),
  ]);
  // The metrics section's rules across keys (a counter's name ends in _total, a histogram needs
  // a field, ...) are checked by log-metrics/config.ts with file:line messages; this is its shape.
  const metricShape = {
    name: z.string().meta({ description: 'sluice_logs_..._total (counter) or a histogram name.' }),
    type: z.enum(['counter', 'histogram']),
    help: z.string().optional(),
    labels: z.record(z.string(), label).optional(),
    if: z.unknown().optional().meta({ description: 'A condition: only matching events count.' }),
    field: z
      .string()
      .optional()
      .meta({ description: 'Counter: the value added; histogram: the value observed.' }),
    scale: z.number().positive().optional(),
    buckets: z.array(z.number()).optional(),
    max_series: z.number().int().min(1).max(10_000).optional(),
  };
  const metric = z.strictObject(metricShape);

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
