import { checkBrokerReachable, parseBrokerUrl, tapRecords } from '@sluice/brokers';
import { ConfigError } from '@sluice/core';
import { createPipeline } from '@sluice/parser';
import type { Command } from 'commander';
import { runCommand } from '../run-command.js';
import { intOption, secondsOption } from './options.js';

interface TapOptions {
  from: string;
  module?: string;
  config?: string;
  pattern?: string[];
  count: number;
  timeout: number;
  fromBeginning?: boolean;
}

export function register(program: Command): void {
  program
    .command('tap')
    .description(
      'Print live records from a topic, list or queue, parsed, without acknowledging or committing anything',
    )
    .requiredOption('--from <url>', 'kafka://…/TOPIC, redis://…/LIST or amqp://…/QUEUE')
    .option('--module <name>', 'parse with a prebuilt pipeline')
    .option('--config <file>', 'parse with a pipeline file')
    .option('--pattern <grok...>', 'parse with grok pattern(s)')
    .option('--count <n>', 'stop after this many records', intOption('--count', 1, 100_000), 10)
    .option('--timeout <seconds>', 'stop after this long', secondsOption('--timeout'), 10)
    .option('--from-beginning', 'Kafka: start at the earliest retained record, not at new ones')
    .action((options: TapOptions) => runCommand(() => tap(options)));
}

async function tap(options: TapOptions): Promise<void> {
  const sources = [options.module, options.config, options.pattern?.length ? 'p' : undefined].filter(Boolean);
  if (sources.length > 1) throw new ConfigError('give only one of --module, --config, --pattern');
  const target = parseBrokerUrl(options.from);
  // Compile the pipeline before touching the broker, so a bad pipeline fails fast with exit 2.
  const pipeline =
    sources.length === 0
      ? undefined
      : await createPipeline({
          ...(options.module ? { module: options.module } : {}),
          ...(options.config ? { configFile: options.config } : {}),
          ...(options.pattern?.length ? { patterns: options.pattern } : {}),
        });
  await checkBrokerReachable(target);
  const records = await tapRecords(target, {
    count: options.count,
    timeoutMs: options.timeout * 1_000,
    fromBeginning: options.fromBeginning ?? false,
  });
  for (const record of records) {
    const events = pipeline ? pipeline(record) : [{ message: record.line, ...(record.fields ?? {}) }];
    for (const event of events) process.stdout.write(`${JSON.stringify(event)}\n`);
  }
  process.stderr.write(
    `tapped ${records.length} record(s) from ${target.kind} ${target.stream}; nothing acknowledged\n`,
  );
}
