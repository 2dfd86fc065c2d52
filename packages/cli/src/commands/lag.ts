import { brokerHelp, checkBrokerReachable, createConsumer, parseBrokerUrl } from '@sluice/brokers';
import type { Command } from 'commander';
import { runCommand } from '../run-command.js';
import { fromOption } from './options.js';

interface LagOptions {
  from: string;
  group: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('lag')
    .description(`Print the consumer lag once (${brokerHelp.lag()})`)
    .addOption(fromOption('the topic, list or queue, as a broker URL'))
    .option('--group <name>', brokerHelp.group(), 'sluice')
    .option('--json', 'one JSON object per stream/partition, for scripts')
    .action((options: LagOptions) => runCommand(() => printLag(options)));
}

async function printLag(options: LagOptions): Promise<void> {
  const target = parseBrokerUrl(options.from);
  // A client retries an unreachable broker for half a minute, warning all the while: say it once, now.
  await checkBrokerReachable(target);
  // Reading lag joins no group and acknowledges nothing.
  const consumer = await createConsumer(target, { group: options.group });
  try {
    const samples = await consumer.lag();
    if (options.json) {
      for (const s of samples)
        process.stdout.write(`${JSON.stringify({ backend: target.kind, group: options.group, ...s })}\n`);
      return;
    }
    const total = samples.reduce((sum, s) => sum + s.lag, 0);
    for (const s of samples) {
      process.stdout.write(`${s.stream}${s.partition === undefined ? '' : `/${s.partition}`}\t${s.lag}\n`);
      // What the number leaves out (a queue's other consumers, say), beside it, not in it.
      if (s.note) process.stderr.write(`note: ${s.note}\n`);
    }
    if (samples.length > 1) process.stdout.write(`total\t${total}\n`);
  } finally {
    await consumer.close();
  }
}
