import type { JsonObject } from '@sluice/core';

/**
 * One behaviour of a standard grok pattern, as a Logstash user relies on it: `%{PATTERN}`
 * searched in `line` (unanchored, as grok does) gives exactly these fields in each naming
 * mode, or must not match (`null`). A mode left out is not checked by this case. Values are
 * what grok writes: strings, unless the pattern declares `:int`/`:float` for that mode.
 */
export interface GrokCase {
  readonly pattern: string;
  readonly line: string;
  /** ECS v1 (`ecs_compatibility: v1`, the default). */
  readonly ecs?: JsonObject | null;
  /** Legacy names (`ecs_compatibility: disabled`). */
  readonly legacy?: JsonObject | null;
  /** Why this case exists, when the line alone does not say (a variant, a trap). */
  readonly note?: string;
}

/** The cases of one Logstash pattern file, named as the file is (`httpd`, `haproxy`, ...). */
export interface GrokCaseFile {
  readonly file: string;
  readonly cases: readonly GrokCase[];
}
