import { ConfigError, redactUrl, SluiceError } from '@sluice/core';
import {
  applyRetention,
  type ConnectionOptions,
  checkElasticsearchAnswers,
  createClient,
  parseAge,
  type RetentionBasis,
  tlsError,
  validateConnectionOptions,
} from '@sluice/indexer';
import type { Command } from 'commander';
import { runCommand } from '../run-command.js';
import { esOption } from './options.js';

export interface EsCliOptions {
  es?: string;
  esCa?: string;
  cloudId?: string;
}

/** Connection options from `--es`, `--es-ca`, `--cloud-id`; credentials only from the environment. */
export function esConnection(options: EsCliOptions, fallbackNode?: string): ConnectionOptions {
  if (options.es !== undefined && options.cloudId !== undefined) {
    throw new ConfigError('give either --es or --cloud-id, not both', {
      hint: "--cloud-id already names the deployment's Elasticsearch endpoint",
    });
  }
  const node =
    options.es ??
    (options.cloudId === undefined ? (process.env.ELASTICSEARCH_URL ?? fallbackNode) : undefined);
  if (!node && !options.cloudId) {
    throw new ConfigError('missing --es URL (or SLUICE_ES, ELASTICSEARCH_URL, or --cloud-id)', {
      hint: 'for example: --es http://127.0.0.1:9200',
    });
  }
  const connection: ConnectionOptions = {
    ...(node ? { node } : {}),
    ...(options.cloudId ? { cloudId: options.cloudId } : {}),
    ...(options.esCa ? { tls: { caFile: options.esCa } } : {}),
  };
  validateConnectionOptions(connection);
  return connection;
}

/**
 * Runs Elasticsearch requests the CLI makes with a bare client (retention, dlq replay from
 * the index); the sink explains its own. A certificate the client does not trust, or TLS on
 * one side only, becomes the same hinted error as in `consume` (`--es-ca FILE`), not a raw
 * client message and a stack trace.
 */
export async function withEsErrors<T>(connection: ConnectionOptions, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const where = connection.node ? redactUrl(String(connection.node)) : 'Elastic Cloud';
    // Our own errors wrap the client's ("listing indices ... failed"): judge by what they wrap.
    const cause = error instanceof SluiceError ? error.cause : error;
    throw (cause === undefined ? undefined : tlsError(cause, where)) ?? error;
  }
}

export function addEsOptions(command: Command): Command {
  return command
    .addOption(
      esOption(
        'Elasticsearch URL (default: $ELASTICSEARCH_URL); credentials from ELASTICSEARCH_USERNAME/PASSWORD or ELASTICSEARCH_API_KEY',
      ),
    )
    .option('--es-ca <file>', 'PEM file of the CA that signed the Elasticsearch certificate')
    .option('--cloud-id <id>', 'Elastic Cloud deployment id instead of --es');
}

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
  const by = (options.by ?? 'name') as RetentionBasis;
  if (!['name', 'creation', 'name-or-creation'].includes(by)) {
    throw new ConfigError(`--by must be one of name, creation, name-or-creation, got "${options.by}"`);
  }
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
