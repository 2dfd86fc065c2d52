#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { register } from '../commands/stack.js';

/**
 * `node packages/cli/dist/stack/main.js up|down|status [services...]`: the same command as
 * `sluice stack`, without loading every other command. CI and test scripts use it to start and
 * stop the stack even while some other command's module does not load.
 */
const program = new Command().name('sluice').showHelpAfterError().exitOverride();
register(program);
try {
  await program.parseAsync(['stack', ...process.argv.slice(2)], { from: 'user' });
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  process.exit(error.exitCode === 0 ? 0 : 2);
}
