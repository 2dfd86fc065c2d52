import type { Client } from '@elastic/elasticsearch';
import { ConfigError, errorMessage, IndexError, type Logger } from '@sluice/core';
import {
  CustomDeadLetterWriter,
  DEFAULT_DEAD_LETTER_INDEX,
  type DeadLetterWriter,
  IndexDeadLetterWriter,
} from '../dead-letter.js';
import {
  checkDataStreams,
  deadLetterTemplate,
  ensureIndexTemplate,
  type IndexTemplateOptions,
  indexPatternFor,
  logsTemplate,
} from '../index-template.js';
import {
  type ConnectionOptions,
  createClient,
  describeNode,
  type SinkOptions,
  sentCredentials,
} from '../options.js';
import { securityError, securityReason, tlsError } from '../security.js';
import { reasonOf, statusOf } from './client-errors.js';

/**
 * Checks that the cluster answers at all, before anything is consumed or deleted: any
 * HTTP answer will do (403 on GET / only means the user lacks `monitor`, and the
 * integ-test distribution answers 405). A 401 or an untrusted certificate is a
 * non-retriable error naming what to change; no answer is an IndexError with exit code 2
 * (retriable for a caller that wants to wait): at start-up it is the user's to fix.
 */
export async function checkElasticsearchAnswers(client: Client, options: ConnectionOptions): Promise<void> {
  const where = describeNode(options);
  try {
    await client.info();
  } catch (error) {
    const status = statusOf(error);
    if (status === 401) {
      const reason = securityReason(error) ?? reasonOf(error).reason;
      throw securityError(401, reason, undefined, sentCredentials(options));
    }
    if (status === undefined) {
      // An untrusted certificate is a setting to change, not an outage to wait out.
      throw (
        tlsError(error, where) ??
        new IndexError(`Elasticsearch at ${where} does not answer: ${errorMessage(error)}`, {
          retriable: true,
          exitCode: 2,
          cause: error,
          hint: `check that Elasticsearch runs at ${where} (curl ${where}), or start it with \`pnpm stack up\``,
        })
      );
    }
  }
}

/**
 * Everything the sink needs before its first write, from validated options: a client
 * that reaches a cluster that answers, the index templates installed when absent, and
 * the dead-letter writer. On any failure the client is closed and the error thrown.
 */
export async function prepareSink(
  options: SinkOptions,
  log: Logger,
): Promise<{ client: Client; deadLetters: DeadLetterWriter }> {
  const client = createClient(options, options.gzip ? { compression: true } : {});
  try {
    await checkElasticsearchAnswers(client, options);
    if (options.indexTemplate !== false)
      await installLogsTemplate(client, options.indexTemplate ?? {}, options, log);
    return { client, deadLetters: await deadLetterWriter(client, options, log) };
  } catch (error) {
    await client.close();
    throw error;
  }
}

/** The logs template, for the patterns given or those derived from the index name. */
async function installLogsTemplate(
  client: Client,
  given: IndexTemplateOptions,
  options: SinkOptions,
  log: Logger,
): Promise<void> {
  const derived = options.indexName ? indexPatternFor(options.indexName) : undefined;
  const template = given.patterns || !derived ? given : { ...given, patterns: [derived] };
  if (options.indexName && !derived && !given.patterns) {
    log.warn(
      'index name starts with a field: no index template pattern can be derived; installing it for logs-*',
      {
        indexName: options.indexName,
        hint: 'set indexTemplate.patterns to cover your index names',
      },
    );
  }
  if (template.dataStream) await checkDataStreams(client);
  await ensureIndexTemplate(client, template.name ?? 'sluice-logs', logsTemplate(template), log);
}

/** The writer for `options.deadLetter` (an index by default), with its template when it is an index. */
async function deadLetterWriter(
  client: Client,
  options: SinkOptions,
  log: Logger,
): Promise<DeadLetterWriter> {
  const target = options.deadLetter ?? { kind: 'index', index: DEFAULT_DEAD_LETTER_INDEX };
  if (target.kind === 'index') {
    const writer = new IndexDeadLetterWriter(client, target.index); // a bad index template throws before anything is installed
    if (options.indexTemplate !== false) {
      const prefix = target.index.split('%{')[0] ?? '';
      if (prefix.length > 0)
        await ensureIndexTemplate(client, 'sluice-dlq', deadLetterTemplate([`${prefix}*`]), log);
    }
    return writer;
  }
  if (target.kind === 'custom') return new CustomDeadLetterWriter(target);
  throw new ConfigError(
    `indexer.deadLetter.kind must be "index" or "custom", got "${(target as { kind: string }).kind}"`,
  );
}
