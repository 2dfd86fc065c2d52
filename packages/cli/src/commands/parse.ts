import { type InboundRecord, recordId } from '@sluice/core';
import { PARSER_POOL_DEFAULTS, TimedParser } from '@sluice/parser';
import type { Command } from 'commander';
import { runCommand } from '../run-command.js';
import { intOption } from './options.js';
import { ParseStats } from './parse-stats.js';
import { type PipelineFlags, pipelineSource } from './pipeline-option.js';
import {
  addInputOptions,
  type InputOptionValues,
  inputFormat,
  multilineConfig,
  readStdinEvents,
} from './stdin-events.js';
import { writeOut } from './write-out.js';

interface ParseOptions extends InputOptionValues, PipelineFlags {
  timeout: number;
  stats?: boolean;
}

/**
 * `sluice parse --module NAME | --config FILE | --pattern P`: runs a pipeline on stdin
 * events (the same per-record logic as the consumer's worker pool, with its time budget
 * per event) and prints one ECS event per line as JSON. A dropped event prints nothing.
 * Stdin is cut and joined as `sluice ship` would (see stdin-events.ts): with a module whose
 * events span several lines (java, python, mysql), by the module's multi-line rule.
 */
export function register(program: Command): void {
  const command = program
    .command('parse')
    .description('Parse stdin lines with a module or pipeline file; print one JSON event per line (ECS)')
    .option('--module <name>', 'prebuilt pipeline (see `sluice modules`)')
    .option('--config <file>', 'pipeline file (YAML or JSON)')
    .option('--pattern <grok...>', 'grok pattern(s), tried in order')
    .option('--patterns-dir <dir>', 'directory of extra grok pattern files');
  addInputOptions(command)
    .option('--no-multiline', "do not join lines, not even by the module's multi-line rule")
    .option(
      '--timeout <ms>',
      'time budget per event; past it the event is printed unparsed, tagged _groktimeout',
      intOption('--timeout', 10, 60_000),
      PARSER_POOL_DEFAULTS.eventBudgetMs,
    )
    .option(
      '--stats',
      'at the end, print on stderr how well the pipeline fit: matches, failure tags, slowest patterns',
    )
    .action((options: ParseOptions) => runCommand(() => parse(options)));
}

async function parse(options: ParseOptions): Promise<number> {
  const source = pipelineSource(
    options,
    'required',
    'for example: sluice parse --module nginx.access < access.log',
  );
  const format = inputFormat(options);
  const multiline = multilineConfig(options, options.module);
  const parser = await TimedParser.create({ kind: 'pipeline', source }, { budgetMs: options.timeout });
  const stats = new ParseStats(
    options.module !== undefined
      ? `module ${options.module}`
      : options.config !== undefined
        ? `pipeline ${options.config}`
        : `pattern ${(options.pattern ?? []).join(' | ')}`,
  );
  let badLines = 0;
  let n = 0;
  try {
    const events = readStdinEvents(process.stdin, {
      format,
      ...(multiline ? { multiline } : {}),
      onBadLine: (lineNumber, reason) => {
        badLines += 1;
        stats.badLine();
        process.stderr.write(`sluice parse: line ${lineNumber}: ${reason}; skipped\n`);
      },
    });
    for await (const batch of events) {
      const records: InboundRecord[] = batch.map((event) => {
        const fields = event.tags.length > 0 ? { ...event.fields, tags: [...event.tags] } : event.fields;
        const record: InboundRecord = {
          id: recordId('stdin', n),
          line: event.text,
          source: 'stdin',
          offset: n,
          format: fields === undefined ? 'raw' : 'sluice',
          origin: 'stdin',
          ...(fields !== undefined ? { fields } : {}),
        };
        n += 1;
        return record;
      });
      const results = await parser.parse(records);
      const out: string[] = [];
      for (let i = 0; i < results.length; i++) {
        const result = results[i];
        const event = batch[i];
        if (result === undefined || event === undefined) continue;
        stats.add(event, result);
        if (result.error !== undefined) {
          process.stderr.write(
            `sluice parse: line ${event.lineNumber}: the pipeline failed: ${result.error}\n`,
          );
        } else if (result.timedOut) {
          process.stderr.write(
            `sluice parse: line ${event.lineNumber}: parsing took over ${parser.budgetMs} ms; printed unparsed, tagged _groktimeout\n`,
          );
        }
        if (result.json !== undefined) out.push(result.json);
      }
      if (out.length > 0) await writeOut(`${out.join('\n')}\n`);
    }
  } finally {
    await parser.close();
  }
  if (options.stats) process.stderr.write(stats.format(parser.patternStats()));
  return badLines > 0 || stats.errors > 0 ? 1 : 0;
}
