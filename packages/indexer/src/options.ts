import { readFileSync } from 'node:fs';
import { Client, type ClientOptions } from '@elastic/elasticsearch';
import { ConfigError, readChoice, readInteger, redactUrl } from '@sluice/core';
import type { DeadLetterTarget } from './dead-letter.js';
import type { IndexTemplateOptions } from './index-template.js';
import type { OutcomePolicy } from './policy.js';
import { BulkAnswerSerializer } from './sink/bulk-answer.js';

export type ElasticsearchAuth =
  | { readonly username: string; readonly password: string }
  | { readonly apiKey: string };

/** How to reach Elasticsearch; shared by the sink, `sluice retention` and `sluice dlq replay`. */
export interface ConnectionOptions {
  /** One URL or several (requests are spread over them). Ignored when `cloudId` is set. */
  readonly node?: string | readonly string[];
  /** Default: from ELASTICSEARCH_API_KEY, or ELASTICSEARCH_USERNAME + ELASTICSEARCH_PASSWORD. */
  readonly auth?: ElasticsearchAuth;
  readonly tls?: { readonly caFile?: string; readonly rejectUnauthorized?: boolean };
  /** Elastic Cloud deployment id (instead of `node`). */
  readonly cloudId?: string;
  /** Per-request timeout in ms. Default 60 000: a big bulk on a loaded cluster takes a while. */
  readonly requestTimeoutMs?: number;
}

export interface SinkOptions extends ConnectionOptions {
  /** Send a bulk request once this many bytes are buffered. Default 5 MiB; 64 KiB .. 50 MiB. */
  readonly flushBytes?: number;
  /** Send a bulk request once this many documents are buffered. Default 2000; 1 .. 100 000. */
  readonly flushCount?: number;
  /**
   * The longest a document waits for a fuller request while a request slot is free.
   * Default 0 (send as soon as a slot is free: batches grow by themselves while all slots
   * are busy, and a caller awaiting its write never waits for a timer); 0 .. 60 000.
   */
  readonly flushIntervalMs?: number;
  /** Bulk requests in flight at once. Default 2; 1 .. 64. */
  readonly concurrency?: number;
  /** Gzip request bodies. Default false (costs CPU on this side; pays off on slow links). */
  readonly gzip?: boolean;
  readonly policy?: Partial<OutcomePolicy>;
  /** Default: index `sluice-dlq-%{+yyyy.MM.dd}`. */
  readonly deadLetter?: DeadLetterTarget;
  /**
   * The index-name template the parser writes into (`logs-%{+yyyy.MM.dd}`). Only used to
   * derive the index template's pattern (`logs-*`) when `indexTemplate.patterns` is not given.
   */
  readonly indexName?: string;
  /** Index template installed at start-up when absent; `false` to skip. Default patterns: from `indexName`, else `logs-*`. */
  readonly indexTemplate?: IndexTemplateOptions | false;
  /** Aborting stops retries: pending writes reject with a retriable IndexError. */
  readonly signal?: AbortSignal;
}

export const SINK_DEFAULTS = {
  flushBytes: 5 * 1024 * 1024,
  flushCount: 2_000,
  flushIntervalMs: 0,
  concurrency: 2,
  gzip: false,
  requestTimeoutMs: 60_000,
} as const;

/** The one integer range rule of @sluice/core, for an `indexer.` option that is set. */
function checkRange(key: string, value: number | undefined, min: number, max: number): void {
  if (value !== undefined) readInteger(`indexer.${key}`, value, { min, max, wording: 'between' });
}

function checkUrl(value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`indexer.node must be an http(s) URL, got "${redactUrl(value)}"`, {
      hint: 'for example: http://127.0.0.1:9200',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(
      `Elasticsearch URL ${redactUrl(value)} uses the scheme "${url.protocol.slice(0, -1)}"; Elasticsearch speaks http or https`,
      {
        hint: `for example: http://${url.host || '127.0.0.1:9200'}`,
      },
    );
  }
}

/** Validates before anything connects; messages name the key, the value and the valid range. */
export function validateSinkOptions(options: SinkOptions): void {
  validateConnectionOptions(options);
  checkRange('flushBytes', options.flushBytes, 64 * 1024, 50 * 1024 * 1024);
  checkRange('flushCount', options.flushCount, 1, 100_000);
  checkRange('flushIntervalMs', options.flushIntervalMs, 0, 60_000);
  checkRange('concurrency', options.concurrency, 1, 64);
  const policy = options.policy;
  if (policy?.maxAttempts !== undefined && !(policy.maxAttempts >= 1)) {
    throw new ConfigError(
      `indexer.policy.maxAttempts must be at least 1 (or Infinity), got ${String(policy.maxAttempts)}`,
    );
  }
  const items = ['indexed', 'duplicate', 'retry', 'dead-letter', 'fatal'];
  for (const [table, valid] of [
    ['items', items],
    ['errorTypes', items],
    ['requests', ['retry', 'split', 'fatal']],
  ] as const) {
    for (const [key, action] of Object.entries((policy?.[table] ?? {}) as Record<string, string>)) {
      readChoice(`indexer.policy.${table}.${key}`, action, valid, { quote: true });
    }
  }
  const dl = options.deadLetter;
  if (dl && dl.kind === 'index' && !dl.index) {
    throw new ConfigError('indexer.deadLetter.index must be an index name template, got ""', {
      hint: "for example: 'sluice-dlq-%{+yyyy.MM.dd}'",
    });
  }
}

export function validateConnectionOptions(options: ConnectionOptions): void {
  if (!options.cloudId) {
    const nodes = typeof options.node === 'string' ? [options.node] : (options.node ?? []);
    if (nodes.length === 0)
      throw new ConfigError('indexer.node is required (or cloudId)', {
        hint: 'for example: --es http://127.0.0.1:9200',
      });
    for (const node of nodes) checkUrl(node);
  }
  checkRange('requestTimeoutMs', options.requestTimeoutMs, 1_000, 600_000);
  if (options.cloudId !== undefined) checkCloudId(options.cloudId);
  // Credentials from the environment are checked too: they are what most runs use.
  const auth = options.auth ?? authFromEnv();
  if (auth && 'username' in auth && (!auth.username || !auth.password)) {
    throw new ConfigError(
      options.auth
        ? 'indexer.auth needs both username and password'
        : 'ELASTICSEARCH_USERNAME is set but ELASTICSEARCH_PASSWORD is empty',
      { hint: 'set ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD (or ELASTICSEARCH_API_KEY)' },
    );
  }
  const caFile = options.tls?.caFile;
  if (caFile !== undefined) {
    let pem: string;
    try {
      pem = readFileSync(caFile, 'utf8');
    } catch (error) {
      throw new ConfigError(`indexer.tls.caFile cannot be read: "${caFile}"`, {
        cause: error,
        hint: 'give the path of the PEM file of the CA that signed the Elasticsearch certificate',
      });
    }
    // A DER file or a key given by mistake would only fail later, as an untrusted certificate.
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new ConfigError(`indexer.tls.caFile is not a PEM certificate: "${caFile}"`, {
        hint: 'give a file that holds "-----BEGIN CERTIFICATE-----" (convert DER with: openssl x509 -inform der -in ca.der -out ca.pem)',
      });
    }
    const nodes = typeof options.node === 'string' ? [options.node] : (options.node ?? []);
    if (!options.cloudId && nodes.every((node) => node.startsWith('http:'))) {
      throw new ConfigError('indexer.tls.caFile is set but indexer.node is a plain http:// URL', {
        hint: `a CA only matters over TLS: use https://${nodes[0]?.slice('http://'.length) ?? 'HOST:9200'}`,
      });
    }
  }
}

/**
 * Elastic Cloud ids are `name:base64("host[:port]$es-id[$kibana-id]")`; the client throws a
 * bare error on anything else, so it is checked here with a message naming the key.
 */
function checkCloudId(cloudId: string): void {
  const [name, encoded, ...rest] = cloudId.split(':');
  const parts = encoded ? Buffer.from(encoded, 'base64').toString('utf8').split('$') : [];
  if (!name || rest.length > 0 || parts.length < 2 || !parts[0] || !parts[1]) {
    throw new ConfigError(
      `indexer.cloudId must look like "NAME:BASE64" (copied from Elastic Cloud), got "${cloudId}"`,
      {
        hint: 'copy the Cloud ID from the deployment page of the Elastic Cloud console',
      },
    );
  }
}

/** Credentials from the environment, so they never appear on a command line or in a config file. */
export function authFromEnv(env: NodeJS.ProcessEnv = process.env): ElasticsearchAuth | undefined {
  if (env.ELASTICSEARCH_API_KEY) return { apiKey: env.ELASTICSEARCH_API_KEY };
  if (env.ELASTICSEARCH_USERNAME)
    return { username: env.ELASTICSEARCH_USERNAME, password: env.ELASTICSEARCH_PASSWORD ?? '' };
  return undefined;
}

/**
 * The credentials a request carries, for messages about them: the configured or environment
 * ones, `undefined` when they are in the node URL (`https://user:pass@host`, which the client
 * honours; not parsed here), `null` when there are none at all.
 */
export function sentCredentials(options: ConnectionOptions): ElasticsearchAuth | null | undefined {
  const auth = options.auth ?? authFromEnv();
  if (auth) return auth;
  const nodes = typeof options.node === 'string' ? [options.node] : (options.node ?? []);
  return !options.cloudId && nodes.some((node) => /^[a-z]+:\/\/[^/@]+@/i.test(node)) ? undefined : null;
}

/** The first node, without credentials, for messages. */
export function describeNode(options: ConnectionOptions): string {
  if (options.cloudId) return `cloud id ${options.cloudId.split(':')[0]}`;
  const first = typeof options.node === 'string' ? options.node : (options.node?.[0] ?? '');
  try {
    const url = new URL(first);
    url.username = '';
    url.password = '';
    return url.origin;
  } catch {
    return '<invalid url>';
  }
}

/**
 * The official client, configured for our retry policy: its own retries are off
 * (`maxRetries: 0`) because the sink retries per item and counts every attempt.
 *
 * `redaction: remove`: the default (`replace`) deep-copies each error's diagnostic meta to
 * mask secrets, walking the request body key by key; for a bulk body held in a Buffer that
 * is one property per byte, ~60 MiB of garbage per failed 700 KiB request. While
 * Elasticsearch was down, every retry did that and the consumer's RSS climbed by hundreds
 * of MiB (test/faults/es-outage.test.ts). `remove` drops headers, options and the
 * connection from the meta instead (no secrets either) and keeps statusCode and body,
 * which are all the sink reads.
 */
export function createClient(options: ConnectionOptions, extra: Partial<ClientOptions> = {}): Client {
  const auth = options.auth ?? authFromEnv();
  const config: ClientOptions = {
    maxRetries: 0,
    requestTimeout: options.requestTimeoutMs ?? SINK_DEFAULTS.requestTimeoutMs,
    redaction: { type: 'remove' },
    // Clean bulk answers are not parsed item by item (sink/bulk-answer.ts).
    Serializer: BulkAnswerSerializer,
    ...extra,
  };
  if (options.cloudId) config.cloud = { id: options.cloudId };
  else config.node = typeof options.node === 'string' ? options.node : [...(options.node ?? [])];
  if (auth)
    config.auth =
      'apiKey' in auth ? { apiKey: auth.apiKey } : { username: auth.username, password: auth.password };
  if (options.tls) {
    config.tls = {
      ...(options.tls.caFile ? { ca: readFileSync(options.tls.caFile) } : {}),
      ...(options.tls.rejectUnauthorized === undefined
        ? {}
        : { rejectUnauthorized: options.tls.rejectUnauthorized }),
    };
  }
  return new Client(config);
}
