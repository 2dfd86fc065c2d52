import type { Client } from '@elastic/elasticsearch';
import { ConfigError, errorMessage, IndexError, type Logger } from '@sluice/core';
import { securityError } from './security.js';

export interface IndexTemplateOptions {
  /** Template name. Default `sluice-logs`. */
  readonly name?: string;
  /** Index patterns it applies to. Default `['logs-*']`; must cover the names the parser writes. */
  readonly patterns?: readonly string[];
  /** Priority among composable templates. Default 150 (above the stack's built-in `logs` at 100). */
  readonly priority?: number;
  /** Primary shards per index. Default 1: daily log indices are small and many. */
  readonly shards?: number;
  /** Replicas per shard. Default: the cluster's default. */
  readonly replicas?: number;
  /** Make the patterns data streams (needs a cluster with data streams; see `checkDataStreams`). */
  readonly dataStream?: boolean;
}

type Mapping = Record<string, unknown>;
const keyword = (ignoreAbove = 1024): Mapping => ({ type: 'keyword', ignore_above: ignoreAbove });
const obj = (properties: Record<string, Mapping>): Mapping => ({ properties });

/**
 * Mappings for the ECS fields the modules emit. `source.address` and `client.address`
 * are keyword, not ip: they hold hostnames as often as addresses (nginx `$remote_addr`
 * behind a resolver, syslog hosts); `*.ip` fields are ip. Strings nobody declared become
 * keyword (ignore_above 1024) instead of text+keyword, halving the index size of
 * free-form fields; `message` is text for full-text search.
 */
export function logsMappings(): Mapping {
  return {
    dynamic_templates: [{ strings_as_keyword: { match_mapping_type: 'string', mapping: keyword() } }],
    properties: {
      '@timestamp': { type: 'date' },
      message: { type: 'text' },
      tags: keyword(),
      labels: { type: 'object' },
      event: obj({
        created: { type: 'date' },
        ingested: { type: 'date' },
        dataset: keyword(),
        module: keyword(),
        duration: { type: 'long' },
        original: { type: 'keyword', index: false, doc_values: false },
      }),
      log: obj({
        level: keyword(),
        logger: keyword(),
        file: obj({ path: keyword() }),
        syslog: { type: 'object' },
      }),
      host: obj({ name: keyword(), hostname: keyword(), ip: { type: 'ip' } }),
      service: obj({ name: keyword() }),
      process: obj({ pid: { type: 'long' }, name: keyword(), thread: obj({ id: { type: 'long' } }) }),
      source: obj({ address: keyword(), ip: { type: 'ip' }, port: { type: 'long' }, domain: keyword() }),
      client: obj({ address: keyword(), ip: { type: 'ip' }, port: { type: 'long' } }),
      destination: obj({ address: keyword(), ip: { type: 'ip' }, port: { type: 'long' } }),
      user: obj({ name: keyword() }),
      // The modules collect every address and user of an event here (as Filebeat's do), so
      // that one IP query finds an address whatever role it had.
      related: obj({ ip: { type: 'ip' }, user: keyword(), hosts: keyword(), hash: keyword() }),
      http: obj({
        version: keyword(),
        request: obj({ method: keyword(), referrer: keyword(8191), bytes: { type: 'long' } }),
        response: obj({
          status_code: { type: 'long' },
          bytes: { type: 'long' },
          body: obj({ bytes: { type: 'long' } }),
        }),
      }),
      url: obj({
        original: { type: 'keyword', ignore_above: 8191, fields: { text: { type: 'text' } } },
        path: keyword(8191),
        query: keyword(8191),
        domain: keyword(),
      }),
      user_agent: obj({
        original: { type: 'keyword', ignore_above: 1024, fields: { text: { type: 'text' } } },
      }),
      error: obj({ message: { type: 'text' }, type: keyword() }),
    },
  };
}

/**
 * The index pattern an index-name template writes into, from its static prefix:
 * `logs-%{+yyyy.MM.dd}` -> `logs-*`, `app-%{[service][name]}-%{+yyyy.MM}` -> `app-*`.
 * Undefined when the name starts with a field (`%{[service][name]}-...`): no safe pattern.
 */
export function indexPatternFor(indexName: string): string | undefined {
  const prefix = indexName.split('%{')[0]?.toLowerCase() ?? '';
  if (prefix.length === 0) return undefined;
  return indexName.includes('%{') ? `${prefix}*` : prefix;
}

export function logsTemplate(options: IndexTemplateOptions = {}): Record<string, unknown> {
  const settings: Record<string, unknown> = { number_of_shards: options.shards ?? 1 };
  if (options.replicas !== undefined) settings.number_of_replicas = options.replicas;
  return {
    index_patterns: [...(options.patterns ?? ['logs-*'])],
    priority: options.priority ?? 150,
    ...(options.dataStream ? { data_stream: {} } : {}),
    template: { settings, mappings: logsMappings() },
    _meta: { managed_by: 'sluice', description: 'ECS mappings for the fields Sluice modules emit' },
  };
}

/** Dead letters: only what the sink writes is mapped, and nothing else is (dynamic false), so a dead letter cannot itself be refused. */
export function deadLetterTemplate(patterns: readonly string[] = ['sluice-dlq-*']): Record<string, unknown> {
  return {
    index_patterns: [...patterns],
    // Above the logs template (150): a DLQ pattern like logs-dlq-* must never clash with it.
    priority: 200,
    template: {
      settings: { number_of_shards: 1 },
      mappings: {
        dynamic: false,
        properties: {
          '@timestamp': { type: 'date' },
          message: { type: 'text', fields: { raw: { type: 'keyword', ignore_above: 8191 } } },
          error: obj({ type: keyword(), reason: { type: 'text' } }),
          sluice: obj({
            record_id: keyword(),
            origin: keyword(),
            index: keyword(),
            status: { type: 'short' },
          }),
        },
      },
    },
    _meta: {
      managed_by: 'sluice',
      description: 'Records Elasticsearch refused, with the reason and the original line',
    },
  };
}

function statusOf(error: unknown): number | undefined {
  const meta = (error as { meta?: { statusCode?: number } }).meta;
  return typeof meta?.statusCode === 'number' ? meta.statusCode : undefined;
}

/**
 * Installs a composable index template unless one of that name exists; an existing
 * template is left alone (an operator may have tuned it). Several consumers starting at
 * once race on the PUT; `create: true` makes the losers' 400 harmless.
 * Returns whether it installed the template.
 */
export async function ensureIndexTemplate(
  client: Client,
  name: string,
  body: Record<string, unknown>,
  log?: Logger,
): Promise<boolean> {
  try {
    const exists = await client.indices.existsIndexTemplate({ name });
    if (exists) return false;
    await client.transport.request({
      method: 'PUT',
      path: `/_index_template/${encodeURIComponent(name)}`,
      querystring: { create: true },
      body,
    });
    log?.info('installed index template', { name, patterns: body.index_patterns });
    return true;
  } catch (error) {
    const status = statusOf(error);
    if (status === 400 && /already exists/.test(errorMessage(error))) return false;
    if (status === 401) throw securityError(401, errorMessage(error));
    if (status === 403) {
      // Writers often may not manage templates. Indexing still works with dynamic mappings,
      // so this is a warning with the grant to make, not a stop.
      log?.warn('cannot install the index template: missing privilege', {
        name,
        hint: 'grant the cluster privilege "manage_index_templates", or run sluice once as a user who has it (it installs the template when absent)',
      });
      return false;
    }
    const reason =
      (error as { meta?: { body?: { error?: { reason?: string } } } }).meta?.body?.error?.reason ??
      errorMessage(error);
    throw new IndexError(`installing index template ${name} failed: ${reason}`, {
      retriable: status === undefined || status >= 500,
      cause: error,
      hint: /same priority/.test(reason)
        ? 'another index template matches the same indices with the same priority: give ours another priority (indexTemplate.priority) or other patterns'
        : undefined,
    });
  }
}

/**
 * Data streams live in a module some distributions lack (the integ-test zip of
 * Elasticsearch has no data streams). Throws a ConfigError saying so.
 */
export async function checkDataStreams(client: Client): Promise<void> {
  try {
    await client.transport.request({ method: 'GET', path: '/_data_stream' });
  } catch (error) {
    const status = statusOf(error);
    if (status === 400 || status === 404 || status === 405) {
      throw new ConfigError(
        'this Elasticsearch cluster does not support data streams (GET /_data_stream is not available)',
        {
          hint: 'drop --data-stream and write daily indices (logs-%{+yyyy.MM.dd}), or use the default distribution of Elasticsearch',
          cause: error,
        },
      );
    }
    throw new IndexError(`checking data stream support failed: ${errorMessage(error)}`, {
      retriable: true,
      cause: error,
    });
  }
}
