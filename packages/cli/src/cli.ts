// The `sluice` command; main.ts loads it once signals are handled.
import { readFileSync } from 'node:fs';
import { brokerHelp } from '@sluice/brokers';
import { logLevelFromEnv } from '@sluice/core';
import { Command, CommanderError } from 'commander';
import { commandsFor } from './commands/index.js';
import { runCommand } from './run-command.js';

const program = new Command()
  .name('sluice')
  .description(
    `Ship log lines through ${brokerHelp.labels()}, parse them, and index them into Elasticsearch.`,
  )
  // One version for the whole CLI: the package's own (src/ and dist/ sit beside package.json).
  .version(
    (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
      .version,
    '-V, --version',
    'print the version and exit',
  )
  .option('--verbose', 'print stack traces with errors')
  .showHelpAfterError()
  .exitOverride();

// A bad SLUICE_LOG_LEVEL is refused before anything runs (exit 2 naming the levels), not
// discovered by the first logger halfway through a command.
try {
  logLevelFromEnv();
} catch (error) {
  await runCommand(async () => {
    throw error;
  });
}

for (const register of await commandsFor(process.argv.slice(2))) register(program);

// `sluice parse ... | head`: the reader closing the pipe is the normal end of the output,
// as for any Unix filter, not a crash. Other stdout errors still surface.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

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
