import type { Logger } from '@sluice/core';
import type { z } from '@sluice/core/config';
import type { CommonInput } from '../config/common.js';
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
 * One shipper input as the config knows it: its `type:`, the schema of its map in the shipper
 * YAML (snake_case keys, read into the camelCase config it runs with) and its factory. An input
 * declares all three in its own file; inputs/registry.ts lists them.
 */
export interface InputKind<Type extends string, Config extends { readonly type: Type }> {
  readonly type: Type;
  readonly schema: z.ZodType<Config>;
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
