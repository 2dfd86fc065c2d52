import { moduleNames, modules } from '@sluice/parser';
import type { Command } from 'commander';
import { runCommand } from '../run-command.js';

/** `sluice modules`: one line per module, `name<TAB>description[<TAB>multiline start: REGEX]`. */
export function register(program: Command): void {
  program
    .command('modules')
    .description('List the prebuilt pipelines (modules), one per line')
    .action(() =>
      runCommand(async () => {
        for (const name of moduleNames()) {
          const module = modules[name];
          // Multi-line modules print the shipper's rule: a line matching it starts a new event.
          const multiline = module?.multiline ? `\tmultiline start: ${module.multiline.startPattern}` : '';
          process.stdout.write(`${name}\t${module?.description ?? ''}${multiline}\n`);
        }
        return 0;
      }),
    );
}
