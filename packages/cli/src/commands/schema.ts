import { readChoice } from '@sluice/core';
import type { Command } from 'commander';
import { runCommand } from '../run-command.js';

/**
 * The file kinds whose JSON Schema is published, each loaded only when asked for. The schemas
 * are declared once with the code that reads the files; nothing generated is kept in git.
 */
const SCHEMAS = {
  shipper: async () => (await import('@sluice/shipper')).shipperJsonSchema(),
  pipeline: async () => (await import('@sluice/parser')).pipelineJsonSchema(),
} satisfies Readonly<Record<string, () => Promise<Record<string, unknown>>>>;
const KINDS = Object.keys(SCHEMAS) as (keyof typeof SCHEMAS)[];

/** `sluice schema shipper|pipeline`: the JSON Schema of a config file kind, for editors. */
export function register(program: Command): void {
  program
    .command('schema')
    .description(
      `Print the JSON Schema of a config file (${KINDS.join(', ')}), for editor completion and checks`,
    )
    .argument('<kind>', KINDS.join(' or '))
    .action((kind: string) =>
      runCommand(async () => {
        const schema = SCHEMAS[readChoice('schema kind', kind, KINDS, { quote: true })];
        process.stdout.write(`${JSON.stringify(await schema(), null, 2)}\n`);
        return 0;
      }),
    );
}
