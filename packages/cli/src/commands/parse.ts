import { createInterface } from 'node:readline';
import { ConfigError, recordId } from '@sluice/core';
import { createPipeline, type PipelineSource } from '@sluice/parser';
import type { Command } from 'commander';
import { runCommand } from '../run-command.js';

interface ParseOptions {
  module?: string;
  config?: string;
  pattern?: string[];
  patternsDir?: string;
}

/**
 * `sluice parse --module NAME | --config FILE | --pattern P`: runs a pipeline on stdin
 * lines in this process (the same per-record logic as the worker pool) and prints one
 * ECS event per line as JSON. A dropped line prints nothing.
 */
export function register(program: Command): void {
  program
    .command('parse')
    .description('Parse stdin lines with a module or pipeline file; print one JSON event per line (ECS)')
    .option('--module <name>', 'prebuilt pipeline (see `sluice modules`)')
    .option('--config <file>', 'pipeline file (YAML or JSON)')
    .option('--pattern <grok...>', 'grok pattern(s), tried in order')
    .option('--patterns-dir <dir>', 'directory of extra grok pattern files')
    .action((options: ParseOptions) => runCommand(() => parse(options)));
}

async function parse(options: ParseOptions): Promise<number> {
  const given = [options.module, options.config, options.pattern].filter((v) => v !== undefined).length;
  if (given !== 1) {
    throw new ConfigError('give exactly one of --module, --config or --pattern', {
      hint: 'for example: sluice parse --module nginx.access < access.log',
    });
  }
  const source: PipelineSource = {
    ...(options.module !== undefined ? { module: options.module } : {}),
    ...(options.config !== undefined ? { configFile: options.config } : {}),
    ...(options.pattern !== undefined ? { patterns: options.pattern } : {}),
    ...(options.patternsDir !== undefined ? { patternsDir: options.patternsDir } : {}),
  };
  const run = await createPipeline(source);
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const line of lines) {
    const events = run({
      id: recordId('stdin', n),
      line,
      source: 'stdin',
      offset: n,
      format: 'raw',
      origin: 'stdin',
    });
    n += 1;
    for (const event of events) {
      if (!process.stdout.write(`${JSON.stringify(event)}\n`)) {
        await new Promise((resolve) => process.stdout.once('drain', resolve));
      }
    }
  }
  return 0;
}
