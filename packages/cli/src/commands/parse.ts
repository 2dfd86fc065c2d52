import { createInterface } from 'node:readline';
import { ConfigError, recordId } from '@sluice/core';
import { createPipeline, eventSource, failedEventSource, modules, type PipelineSource } from '@sluice/parser';
import type { Command } from 'commander';
import { runCommand } from '../run-command.js';

interface ParseOptions {
  module?: string;
  config?: string;
  pattern?: string[];
  patternsDir?: string;
  multiline: boolean;
}

/**
 * `sluice parse --module NAME | --config FILE | --pattern P`: runs a pipeline on stdin
 * lines in this process (the same per-record logic as the worker pool) and prints one
 * ECS event per line as JSON. A dropped line prints nothing. With a module whose events
 * span several lines (java, python, mysql), lines are first joined by the module's
 * multi-line rule, as the shipper would join them.
 */
export function register(program: Command): void {
  program
    .command('parse')
    .description('Parse stdin lines with a module or pipeline file; print one JSON event per line (ECS)')
    .option('--module <name>', 'prebuilt pipeline (see `sluice modules`)')
    .option('--config <file>', 'pipeline file (YAML or JSON)')
    .option('--pattern <grok...>', 'grok pattern(s), tried in order')
    .option('--patterns-dir <dir>', 'directory of extra grok pattern files')
    .option('--no-multiline', "with --module: do not join lines by the module's multi-line rule")
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
  const rule =
    options.module !== undefined && options.multiline ? modules[options.module]?.multiline : undefined;
  const startsEvent = rule ? new RegExp(rule.startPattern) : undefined;
  let n = 0;
  const emit = async (line: string) => {
    const record = {
      id: recordId('stdin', n),
      line,
      source: 'stdin',
      offset: n,
      format: 'raw',
      origin: 'stdin',
    } as const;
    n += 1;
    // One line the pipeline cannot handle prints its `_processorfailure` event; the rest go on.
    let sources: string[];
    try {
      sources = run(record).map((event) => eventSource(event, record, Date.now()));
    } catch (error) {
      sources = [failedEventSource(record, 'pipeline', error, Date.now())];
    }
    for (const source of sources) {
      if (!process.stdout.write(`${source}\n`)) {
        await new Promise((resolve) => process.stdout.once('drain', resolve));
      }
    }
  };
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  // Filebeat's negate/after rule: a line matching the start pattern begins an event, any
  // other line continues the one before it.
  let pending: string | undefined;
  for await (const line of lines) {
    if (startsEvent === undefined) {
      await emit(line);
    } else if (pending === undefined || startsEvent.test(line)) {
      if (pending !== undefined) await emit(pending);
      pending = line;
    } else {
      pending += `\n${line}`;
    }
  }
  if (pending !== undefined) await emit(pending);
  return 0;
}
