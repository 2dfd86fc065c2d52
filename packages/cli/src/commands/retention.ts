import { readChoice, redactUrl } from '@sluice/core';
import {
  applyRetention,
  checkElasticsearchAnswers,
  createClient,
  parseAge,
  type RetentionBasis,
} from '@sluice/indexer';
import type { Command } from 'commander';
import { runCommand } from '../run-command.js';
import { addEsOptions, type EsCliOptions, esConnection, withEsErrors } from './es-connection.js';

interface RetentionCliOptions extends EsCliOptions {
  olderThan?: string;
  indexPattern?: string;
  by?: string;
  dryRun?: boolean;
}

const DAY = 86_400_000;

/**
 * `sluice retention --older-than 30d --index-pattern 'logs-*' [--dry-run]`: deletes daily
 * (or monthly, hourly) indices whose whole period ended before the cut-off, judged by the
 * date in the name; sets a data-stream lifecycle on matching data streams where the
 * cluster has them. Prints one line per index deleted (or that would be).
 */
export function register(program: Command): void {
  addEsOptions(
    program
      .command('retention')
      .description(
        'Delete log indices older than a given age (by the date in their name); --dry-run lists them',
      ),
  )
    .requiredOption('--older-than <age>', 'age like 30d, 12h or 2w')
    .requiredOption('--index-pattern <pattern>', "indices to consider, e.g. 'logs-*'")
    .option('--by <basis>', 'judge age by: name (default), creation, name-or-creation')
    .option('--dry-run', 'print what would be deleted; delete nothing')
    .action((options: RetentionCliOptions) => runCommand(() => retention(options)));
}

async function retention(options: RetentionCliOptions): Promise<number> {
  const olderThanMs = parseAge(options.olderThan ?? '');
  const bases: RetentionBasis[] = ['name', 'creation', 'name-or-creation'];
  const by = readChoice('--by', options.by ?? 'name', bases, { quote: true });
  const connection = esConnection(options);
  const client = createClient(connection);
  try {
    await checkElasticsearchAnswers(client, connection);
    const now = Date.now();
    const report = await withEsErrors(connection, () =>
      applyRetention(client, {
        pattern: options.indexPattern ?? '',
        olderThanMs,
        by,
        dryRun: options.dryRun === true,
        now,
      }),
    );
    const verb = report.deleted ? 'deleted' : 'would delete';
    for (const d of report.expired) {
      const age = Math.floor((now - d.date) / DAY);
      const when = new Date(d.date).toISOString().slice(0, 10);
      process.stdout.write(
        `${verb} ${d.index} (${d.basis === 'name' ? 'period ended' : 'created'} ${when}, ${age} days ago)\n`,
      );
    }
    for (const s of report.dataStreams) {
      process.stdout.write(
        `${report.deleted ? 'set' : 'would set'} data_retention ${options.olderThan} on data stream ${s}\n`,
      );
    }
    const where = connection.node ? redactUrl(String(connection.node)) : 'cloud';
    process.stdout.write(
      `${where}: ${report.expired.length} ${verb === 'deleted' ? 'deleted' : 'to delete'}, ${report.kept.length} kept, ` +
        `${report.skipped.length} without a date in the name${report.dataStreamsSupported ? '' : ', data streams not supported by this cluster'}\n`,
    );
    return 0;
  } finally {
    await client.close();
  }
}
