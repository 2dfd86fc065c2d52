import { brokerHelp, checkBrokerReachable, parseBrokerUrl, tapRecords } from '@sluice/brokers';
import { PARSER_POOL_DEFAULTS, TimedParser } from '@sluice/parser';
import type { Command } from 'commander';
import { runCommand } from '../run-command.js';
import { fromOption, intOption, secondsOption } from './options.js';
import { type PipelineFlags, pipelineSource } from './pipeline-option.js';
import { writeOut } from './write-out.js';

interface TapOptions extends PipelineFlags {
  from: string;
  count: number;
  timeout: number;
  lineTimeout: number;
  fromBeginning?: boolean;
}

export function register(program: Command): void {
  program
    .command('tap')
    .description(
      'Print live records from a topic, list or queue, parsed, without acknowledging or committing anything',
    )
    .addOption(fromOption(brokerHelp.urls()))
    .option('--module <name>', 'parse with a prebuilt pipeline')
    .option('--config <file>', 'parse with a pipeline file')
    .option('--pattern <grok...>', 'parse with grok pattern(s)')
    .option('--count <n>', 'stop after this many records', intOption('--count', 1, 100_000), 10)
    .option('--timeout <seconds>', 'stop waiting for records after this long', secondsOption('--timeout'), 10)
    .option(
      '--line-timeout <ms>',
      'time budget to parse one record; past it the record is printed unparsed, tagged _groktimeout',
      intOption('--line-timeout', 10, 60_000),
      PARSER_POOL_DEFAULTS.eventBudgetMs,
    )
    .option('--from-beginning', brokerHelp.fromBeginning())
    .action((options: TapOptions) => runCommand(() => tap(options)));
}

async function tap(options: TapOptions): Promise<number> {
  const source = pipelineSource(options, 'optional');
  const target = parseBrokerUrl(options.from);
  // Compile the pipeline before touching the broker, so a bad pipeline fails fast with exit 2.
  // Records are parsed as the consumer parses them: in a worker, with its time budget per
  // record, so one pathological line cannot hold tap past its --timeout by more than that.
  const parser =
    source === undefined
      ? undefined
      : await TimedParser.create({ kind: 'pipeline', source }, { budgetMs: options.lineTimeout });
  let errors = 0;
  try {
    await checkBrokerReachable(target);
    const records = await tapRecords(target, {
      count: options.count,
      timeoutMs: options.timeout * 1_000,
      fromBeginning: options.fromBeginning ?? false,
    });
    if (parser === undefined) {
      for (const record of records) {
        await writeOut(`${JSON.stringify({ message: record.line, ...(record.fields ?? {}) })}\n`);
      }
    } else {
      const results = await parser.parse(records);
      for (let i = 0; i < results.length; i++) {
        const result = results[i];
        const origin = records[i]?.origin;
        if (result === undefined) continue;
        if (result.error !== undefined) {
          errors += 1;
          process.stderr.write(`sluice tap: record ${origin}: the pipeline failed: ${result.error}\n`);
        } else if (result.timedOut) {
          process.stderr.write(
            `sluice tap: record ${origin}: parsing took over ${parser.budgetMs} ms; printed unparsed, tagged _groktimeout\n`,
          );
        }
        if (result.json !== undefined) await writeOut(`${result.json}\n`);
      }
    }
    process.stderr.write(
      `tapped ${records.length} record(s) from ${target.kind} ${target.stream}; nothing acknowledged\n`,
    );
  } finally {
    await parser?.close();
  }
  return errors > 0 ? 1 : 0;
}
