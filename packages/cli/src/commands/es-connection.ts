import { ConfigError, redactUrl, SluiceError } from '@sluice/core';
import { type ConnectionOptions, tlsError, validateConnectionOptions } from '@sluice/indexer';
import type { Command } from 'commander';
import { esOption } from './options.js';

// The Elasticsearch connection every command that talks to it shares (consume, dlq,
// retention): the flags, how they become ConnectionOptions, and how a bare client's TLS
// failures are explained.

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
