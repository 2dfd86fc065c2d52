import { ConfigError } from '@sluice/core';
import type { Command } from 'commander';
import { runCommand } from '../run-command.js';

/**
 * The file kinds whose JSON Schema is published, each loaded only when asked for. The schemas
 * are declared once with the code that reads the files; nothing generated is kept in git.
 */
const SCHEMAS: Readonly<Record<string, () => Promise<Record<string, unknown>>>> = {
  shipper: async () => (await import('@sluice/shipper')).shipperJsonSchema(),
  pipeline: async () => (await import('@sluice/parser')).pipelineJsonSchema(),
};

/** `sluice schema shipper|pipeline`: the JSON Schema of a config file kind, for editors. */
export function register(program: Command): void {
  program
    .command('schema')
    .description(
      `Print the JSON Schema of a config file (${Object.keys(SCHEMAS).join(', ')}), for editor completion and checks`,
    )
    .argument('<kind>', Object.keys(SCHEMAS).join(' or '))
    .action((kind: string) =>
      runCommand(async () => {
        const schema = SCHEMAS[kind];
        if (!schema) {
          throw new ConfigError(
            `schema kind must be one of ${Object.keys(SCHEMAS).join(', ')}, got "${kind}"`,
          );
        }
        process.stdout.write(`${JSON.stringify(await schema(), null, 2)}\n`);
        return 0;
      }),
    );
}
