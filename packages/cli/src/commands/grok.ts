import { createInterface } from 'node:readline';
import { ConfigError } from '@sluice/core';
import { Grok, loadPatternsDir } from '@sluice/parser';
import type { Command } from 'commander';
import { runCommand } from '../run-command.js';

interface GrokOptions {
  pattern: string[];
  patternsDir?: string;
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
    .action((options: GrokOptions) => runCommand(() => grok(options)));
}

async function grok(options: GrokOptions): Promise<number> {
  const definitions = options.patternsDir === undefined ? {} : loadPatternsDir(options.patternsDir);
  if (options.pattern.some((p) => p === '')) throw new ConfigError('--pattern must not be empty');
  const engine = new Grok(options.pattern, { definitions });
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (!process.stdout.write(`${JSON.stringify(engine.match(line))}\n`)) {
      await new Promise((resolve) => process.stdout.once('drain', resolve));
    }
  }
  return 0;
}
