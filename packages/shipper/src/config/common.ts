import type { FieldValue } from '../event.js';
import type { MultilineConfig } from '../multiline.js';

/**
 * Config pieces every shipper input shares: `fields`, `tags`, and for inputs that read byte
 * streams `multiline` and `module`. Keys are snake_case; the values read are the camelCase
 * config objects the shipper runs with (durations in ms, sizes in bytes). Their schemas are in
 * common-schema.ts, which loads zod: this file is on every `sluice ship`'s start-up path.
 */

export interface CommonInput {
  readonly fields?: Readonly<Record<string, FieldValue>>;
  readonly tags?: readonly string[];
}

/** Inputs that read byte streams, so multi-line joining applies to them. */
export interface JoiningInput {
  readonly multiline?: MultilineConfig;
  /**
   * A parser module (`java`, `python`, `rails`, `mysql.slowlog`, ...; `sluice modules` lists
   * them) whose multi-line rule this input uses. An explicit `multiline` wins over it.
   */
  readonly module?: string;
}

/** `fields`, `tags`, `multiline`, `module` as the shipper runs with them. */
export function commonOf(v: { fields?: Record<string, FieldValue>; tags?: string[] }): CommonInput {
  return { ...(v.fields ? { fields: v.fields } : {}), ...(v.tags ? { tags: v.tags } : {}) };
}

export function joiningOf(v: { multiline?: MultilineConfig; module?: string }): JoiningInput {
  return { ...(v.multiline ? { multiline: v.multiline } : {}), ...(v.module ? { module: v.module } : {}) };
}
