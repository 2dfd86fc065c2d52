import { ConfigError } from '@sluice/core';
import type { PipelineSource } from '@sluice/parser';

/** The flags that name a pipeline, as commander gives them to `parse`, `consume`, `tap` and `dlq replay`. */
export interface PipelineFlags {
  module?: string;
  config?: string;
  pattern?: string[];
  patternsDir?: string;
}

const ALTERNATIVES = '--module, --config or --pattern';

/**
 * The pipeline that `--module`, `--config` or `--pattern` names (with `--patterns-dir` for the
 * grok steps). A flag counts as given when it is on the command line at all, so an empty value
 * fails in the parser with its own message instead of being passed over. `required`: the
 * command cannot run without a pipeline (`parse`, `consume`); `optional`: without one it
 * passes records on unparsed (`tap`, `dlq replay`).
 */
export function pipelineSource(flags: PipelineFlags, need: 'required', hint?: string): PipelineSource;
export function pipelineSource(flags: PipelineFlags, need: 'optional'): PipelineSource | undefined;
export function pipelineSource(
  flags: PipelineFlags,
  need: 'required' | 'optional',
  hint = 'for example: --module nginx.access (`sluice modules` lists them)',
): PipelineSource | undefined {
  const given = [flags.module, flags.config, flags.pattern].filter((flag) => flag !== undefined).length;
  if (need === 'required' && given !== 1) {
    throw new ConfigError(`give exactly one of ${ALTERNATIVES}`, { hint });
  }
  if (given > 1) throw new ConfigError(`give at most one of ${ALTERNATIVES}`);
  if (given === 0) return undefined;
  return {
    ...(flags.module !== undefined ? { module: flags.module } : {}),
    ...(flags.config !== undefined ? { configFile: flags.config } : {}),
    ...(flags.pattern !== undefined ? { patterns: flags.pattern } : {}),
    ...(flags.patternsDir !== undefined ? { patternsDir: flags.patternsDir } : {}),
  };
}
