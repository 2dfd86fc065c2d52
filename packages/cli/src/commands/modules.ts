import { moduleNames, modules } from '@sluice/parser';
import type { Command } from 'commander';
import { runCommand } from '../run-command.js';

/** `sluice modules`: one line per module, `name<TAB>description`. */
export function register(program: Command): void {
  program
    .command('modules')
    .description('List the prebuilt pipelines (modules), one per line')
    .action(() =>
      runCommand(async () => {
        for (const name of moduleNames()) {
          const module = modules[name];
          process.stdout.write(
            `${name}\t${module?.description ?? ''}${module?.multiline ? ' (multi-line)' : ''}\n`,
          );
        }
        return 0;
      }),
    );
}
