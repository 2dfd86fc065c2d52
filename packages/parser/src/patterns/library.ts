/**
 * The shape of the built-in grok library. Logstash ships every standard pattern file in two
 * naming modes: ECS v1 field names (`[source][address]`, the default since 8.0) and the
 * legacy names of `ecs_compatibility => disabled` (`clientip`, `verb`, `response`, ...).
 * Users migrating pipelines paste expressions written for either, so each file here carries
 * both, under the same pattern names. A pattern without captures is the same in both modes;
 * write it once in `shared`.
 */
export type EcsCompatibility = 'v1' | 'disabled';

/**
 * The pattern files of Logstash's standard library (logstash-patterns-core, its `ecs-v1` and
 * `legacy` directories). A file in `patternFiles` with one of these names is a standard
 * file: the compatibility suite and the README table cover it.
 */
export const LOGSTASH_PATTERN_FILES: readonly string[] = [
  'aws',
  'bacula',
  'bind',
  'bro',
  'exim',
  'firewalls',
  'grok-patterns',
  'haproxy',
  'httpd',
  'java',
  'junos',
  'linux-syslog',
  'maven',
  'mcollective',
  'mcollective-patterns',
  'mongodb',
  'nagios',
  'postgresql',
  'rails',
  'redis',
  'ruby',
  'squid',
  'zeek',
];

export const ECS_COMPATIBILITY_VALUES = ['v1', 'v8', 'disabled'] as const;

export type PatternDefinitions = Readonly<Record<string, string>>;

export interface PatternFile {
  /** The Logstash file name (`grok-patterns`, `httpd`, `aws`, ...) or a Sluice set name. */
  readonly name: string;
  /** Patterns identical in both modes (no named captures). */
  readonly shared?: PatternDefinitions;
  /** ECS v1 names. */
  readonly ecs: PatternDefinitions;
  /** Legacy names (`ecs_compatibility: disabled`). */
  readonly legacy: PatternDefinitions;
}

/** A set with the same definitions in both modes (Sluice's own module patterns). */
export function sameInBothModes(name: string, shared: PatternDefinitions): PatternFile {
  return { name, shared, ecs: {}, legacy: {} };
}

/** `v8` is Logstash's alias of `v1` for grok: the same pattern files. */
export function parseEcsCompatibility(value: string): EcsCompatibility | undefined {
  if (value === 'v1' || value === 'v8') return 'v1';
  if (value === 'disabled') return 'disabled';
  return undefined;
}

/** The definitions of one file in one mode. */
export function definitionsOf(file: PatternFile, mode: EcsCompatibility): PatternDefinitions {
  return { ...file.shared, ...(mode === 'v1' ? file.ecs : file.legacy) };
}
