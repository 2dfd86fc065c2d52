import { createInterface } from 'node:readline';
import { ConfigError } from '@sluice/core';
import { ECS_COMPATIBILITY_VALUES, Grok, loadPatternsDir, parseEcsCompatibility } from '@sluice/parser';
import type { Command } from 'commander';
import { runCommand } from '../run-command.js';

interface GrokOptions {
  pattern: string[];
  patternsDir?: string;
  ecsCompatibility: string;
}

/**
 * `sluice grok --pattern P [--pattern P2] [--patterns-dir DIR]`: a grok debugger on stdin.
 * One JSON value per input line on stdout: the captured fields (types applied, nested as
 * they would be in an event) or `null`. An unknown pattern or invalid regex exits 2.
 */
export function register(program: Command): void {
  program
    .command('grok')
    .description(
      'Match stdin lines against grok patterns; print the captured fields (or null) per line as JSON',
    )
    .requiredOption('--pattern <grok...>', 'grok pattern(s), tried in order; the first match wins')
    .option('--patterns-dir <dir>', 'directory of extra pattern files (NAME regex per line)')
    .option(
      '--ecs-compatibility <mode>',
      "names of the built-in patterns' captures: v1 (ECS, also v8) or disabled (legacy Logstash names)",
      'v1',
    )
    .action((options: GrokOptions) => runCommand(() => grok(options)));
}

async function grok(options: GrokOptions): Promise<number> {
  const definitions = options.patternsDir === undefined ? {} : loadPatternsDir(options.patternsDir);
  if (options.pattern.some((p) => p === '')) throw new ConfigError('--pattern must not be empty');
  const ecsCompatibility = parseEcsCompatibility(options.ecsCompatibility);
  if (ecsCompatibility === undefined) {
    throw new ConfigError(
      `--ecs-compatibility must be one of ${ECS_COMPATIBILITY_VALUES.join(', ')}, got "${options.ecsCompatibility}"`,
    );
  }
  const engine = new Grok(options.pattern, { definitions, ecsCompatibility });
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (!process.stdout.write(`${JSON.stringify(engine.match(line))}\n`)) {
      await new Promise((resolve) => process.stdout.once('drain', resolve));
    }
  }
  return 0;
}
