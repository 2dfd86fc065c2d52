import { choiceProblem, show } from '@sluice/core';
import * as coreConfig from '@sluice/core/config';
import { configJsonSchema, duration, integer, section, size, text, z } from '@sluice/core/config';
import type { FieldValue } from '../event.js';
import type { SchemaKit } from '../inputs/kind.js';
import { INPUT_KINDS, type InputConfig } from '../inputs/registry.js';
import * as commonSchema from './common-schema.js';
import { fieldsSchema, tagsSchema } from './common-schema.js';

/**
 * The shipper's configuration: what a YAML file (`sluice ship --config shipper.yaml`) holds,
 * and what the quick form (`--file GLOB --to URL`) is turned into. Every key is documented
 * with its default in packages/shipper/README.md. Durations are milliseconds or strings
 * like `250ms`, `5s`, `5m`; sizes are bytes or strings like `64KiB`, `1MiB`.
 * The file's keys are snake_case; this is the config as the shipper runs with it.
 */
export interface ShipperConfig {
  readonly output: OutputConfig;
  readonly inputs: readonly InputConfig[];
  readonly registry?: { readonly path: string };
  readonly metrics?: { readonly address: string };
  /** `agent.id` and part of record ids. Default: host name. Keep it stable per machine. */
  readonly shipperId?: string;
  readonly fields?: Readonly<Record<string, FieldValue>>;
  readonly tags?: readonly string[];
  /** Longest line kept whole. Default 1 MiB. */
  readonly maxLineBytes?: number;
  readonly queue?: { readonly maxEvents?: number; readonly maxBytes?: number };
}

export interface OutputConfig {
  readonly url: string;
  /** Records per publish. Default 2048 (BATCH_DEFAULTS). */
  readonly batchSize?: number;
  /** Bytes per publish. Default 1 MiB. */
  readonly batchBytes?: number;
  /** Wait this long for a batch to fill. Default 20 ms. */
  readonly lingerMs?: number;
  /** Batches published at once, confirmed in order. Default 1 (see BatchOptions.maxInFlight). */
  readonly maxInFlight?: number;
}

const inputTypes = INPUT_KINDS.map((k) => k.type);
const kit: SchemaKit = { ...coreConfig, ...commonSchema };
const [firstInput, ...otherInputs] = INPUT_KINDS.map((k) => k.schema(kit));

/** One `inputs:` entry, read by the schema of its `type`. */
const inputSchema = z.discriminatedUnion('type', [firstInput as z.ZodType, ...otherInputs] as never, {
  error: (issue) => {
    const type = (issue.input as { type?: unknown } | undefined)?.type;
    if (typeof issue.input !== 'object' || issue.input === null || Array.isArray(issue.input))
      return `must be a map with a type, got ${show(issue.input)}`;
    return type === undefined
      ? `is required (${inputTypes.slice(0, -1).join(', ')} or ${inputTypes.at(-1)})`
      : choiceProblem(type, inputTypes);
  },
}) as z.ZodType<InputConfig>;

const outputSchema = section(
  {
    url: text('The broker: kafka://host:9092/topic, redis://host:6379/list, amqp://host:5672/queue.'),
    batch_size: integer(1, 100_000, 'Records per publish. Default 2048.').optional(),
    batch_bytes: size(1024, 512 * 1024 * 1024, 'Bytes per publish. Default 1MiB.').optional(),
    linger: duration(0, 60_000, 'Wait this long for a batch to fill. Default 20ms.').optional(),
    max_in_flight: integer(1, 64, 'Batches published at once, confirmed in order. Default 1.').optional(),
  },
  {
    is: 'a map with url',
    required: 'is required: a map with url, e.g. output: { url: kafka://127.0.0.1:9092/logs }',
  },
);

/** The shipper YAML: declared once, read by the core config reader and published as JSON Schema. */
export const shipperConfigSchema = section(
  {
    output: outputSchema,
    inputs: z
      .array(inputSchema, {
        error: (issue) =>
          `must be a non-empty list, got ${show(issue.input)} (for example: inputs: [{ type: file, paths: ["/var/log/*.log"] }])`,
      })
      .min(1, {
        error: (issue) =>
          `must be a non-empty list, got ${show(issue.input)} (for example: inputs: [{ type: file, paths: ["/var/log/*.log"] }])`,
      }),
    registry: section({ path: text('The offsets file.') }, { is: 'a map with path' }).optional(),
    metrics: section(
      { address: text('host:port of the /metrics endpoint.') },
      { is: 'a map with address' },
    ).optional(),
    shipper_id: text('agent.id and part of record ids. Default: the host name.').optional(),
    fields: fieldsSchema.optional(),
    tags: tagsSchema.optional(),
    max_line_bytes: size(16, 1024 ** 3, 'Longest line kept whole. Default 1MiB.').optional(),
    queue: section(
      {
        max_events: integer(1, 10_000_000, 'Events held between inputs and publishing.').optional(),
        max_bytes: size(1024, 8 * 1024 ** 3, 'Bytes held between inputs and publishing.').optional(),
      },
      { is: 'a map' },
    ).optional(),
  },
  { is: 'a map with output and inputs' },
)
  .superRefine((v, context) => {
    if (v.inputs.filter((i) => i.type === 'stdin').length > 1)
      context.addIssue({
        code: 'custom',
        path: ['inputs'],
        message: 'lists stdin more than once: only one stdin input is possible',
      });
  })
  .transform(
    (v): ShipperConfig => ({
      output: {
        url: v.output.url,
        ...(v.output.batch_size !== undefined ? { batchSize: v.output.batch_size } : {}),
        ...(v.output.batch_bytes !== undefined ? { batchBytes: v.output.batch_bytes } : {}),
        ...(v.output.linger !== undefined ? { lingerMs: v.output.linger } : {}),
        ...(v.output.max_in_flight !== undefined ? { maxInFlight: v.output.max_in_flight } : {}),
      },
      inputs: v.inputs,
      ...(v.registry ? { registry: v.registry } : {}),
      ...(v.metrics ? { metrics: v.metrics } : {}),
      ...(v.shipper_id ? { shipperId: v.shipper_id } : {}),
      ...(v.fields ? { fields: v.fields } : {}),
      ...(v.tags ? { tags: v.tags } : {}),
      ...(v.max_line_bytes !== undefined ? { maxLineBytes: v.max_line_bytes } : {}),
      ...(v.queue
        ? {
            queue: {
              ...(v.queue.max_events !== undefined ? { maxEvents: v.queue.max_events } : {}),
              ...(v.queue.max_bytes !== undefined ? { maxBytes: v.queue.max_bytes } : {}),
            },
          }
        : {}),
    }),
  );

/** The published JSON Schema of the shipper YAML (`sluice schema shipper`). */
export function shipperJsonSchema(): Record<string, unknown> {
  return configJsonSchema(shipperConfigSchema, {
    title: 'Sluice shipper configuration (sluice ship --config)',
  });
}
