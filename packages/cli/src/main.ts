#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.js';
import { runCommand } from './run-command.js';

const program = new Command()
  .name('sluice')
  .description(
    'Ship log lines through Kafka, Redis or RabbitMQ, parse them, and index them into Elasticsearch.',
  )
  .option('--verbose', 'print stack traces with errors')
  .showHelpAfterError()
  .exitOverride();

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version are "errors" to commander; usage errors are bad input (exit 2).
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  await runCommand(async () => {
    throw error;
  });
}
