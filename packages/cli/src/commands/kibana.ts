import type { Command } from 'commander';
import { importSavedObjects } from '../kibana/import.js';
import { buildSavedObjects, DEFAULT_INDEX_PATTERN, toNdjson } from '../kibana/saved-objects.js';
import { runCommand } from '../run-command.js';

interface SetupOptions {
  kibana: string;
  indexPattern: string;
  space?: string;
}

export function register(program: Command): void {
  const kibana = program
    .command('kibana')
    .description('Kibana data view and dashboard for the logs Sluice indexes');
  kibana
    .command('setup')
    .description('import the data view and the "Sluice: web traffic" dashboard (replaces earlier versions)')
    .option(
      '--kibana <url>',
      'Kibana URL (credentials in the URL, or KIBANA_API_KEY)',
      process.env.KIBANA_URL ?? 'http://127.0.0.1:5601',
    )
    .option('--index-pattern <pattern>', 'indices the data view covers', DEFAULT_INDEX_PATTERN)
    .option('--space <id>', 'Kibana space (default space when absent)')
    .action((options: SetupOptions) =>
      runCommand(async () => {
        const objects = buildSavedObjects(options.indexPattern);
        const result = await importSavedObjects(toNdjson(objects), {
          kibana: options.kibana,
          apiKey: process.env.KIBANA_API_KEY,
          space: options.space,
        });
        process.stdout.write(
          `imported ${result.successCount} objects: data view "${options.indexPattern}" and dashboard "Sluice: web traffic"\n`,
        );
      }),
    );
  kibana
    .command('export')
    .description('print the saved objects as ndjson (what deploy/kibana/sluice.ndjson holds)')
    .option('--index-pattern <pattern>', 'indices the data view covers', DEFAULT_INDEX_PATTERN)
    .action((options: { indexPattern: string }) =>
      runCommand(async () => {
        process.stdout.write(toNdjson(buildSavedObjects(options.indexPattern)));
      }),
    );
}
