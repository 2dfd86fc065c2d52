import type { Logger } from '@sluice/core';
import type * as CoreConfig from '@sluice/core/config';
import type { z } from '@sluice/core/config';
import type { CommonInput } from '../config/common.js';
import type * as CommonSchema from '../config/common-schema.js';
import type { Input } from '../event.js';
import type { MultilineConfig } from '../multiline.js';
import type { FileRegistry } from '../registry.js';

/** What every input is built with, besides its own config. */
export interface InputContext {
  readonly registry: FileRegistry | undefined;
  readonly logger: Logger;
  readonly shipperId: string;
  readonly maxLineBytes: number;
}

/**
 * What an input's schema is built from: the core config builders (`section`, `duration`, `z`,
 * ...) and the shapes every input shares (`commonShape`, `joiningShape`, `portSchema`). Handed
 * in by config/schema.ts rather than imported, so that loading an input (every `sluice ship`)
 * does not load zod, about 100 ms of CPU; only reading a config file builds the schemas.
 */
export type SchemaKit = typeof CoreConfig & typeof CommonSchema;

/**
 * One shipper input as the config knows it: its `type:`, the schema of its map in the shipper
 * YAML (snake_case keys, read into the camelCase config it runs with) and its factory. An input
 * declares all three in its own file; inputs/registry.ts lists them.
 */
export interface InputKind<Type extends string, Config extends { readonly type: Type }> {
  readonly type: Type;
  /** Called once, when the shipper config schema is first needed (config/schema.ts). */
  schema(kit: SchemaKit): z.ZodType<Config>;
  create(config: Config, context: InputContext): Input;
}

/**
 * The options every input takes alike: ids and the line limit from the context, `fields` and
 * `tags` (and `multiline`, for inputs that join lines) from its config, each only when set.
 */
export function inputBase(
  config: CommonInput & { readonly multiline?: MultilineConfig },
  context: InputContext,
) {
  return {
    shipperId: context.shipperId,
    maxLineBytes: context.maxLineBytes,
    ...(config.multiline ? { multiline: config.multiline } : {}),
    ...(config.fields ? { fields: config.fields } : {}),
    ...(config.tags ? { tags: config.tags } : {}),
  };
}
