import { ConfigError, redactUrl, SECRET_PARAMETER } from '@sluice/core';
import type { BrokerKind, BrokerTarget } from './types.js';

/** The three URL forms, printed whenever a URL cannot be understood. */
export const BROKER_URL_FORMS = [
  'kafka://127.0.0.1:9092/TOPIC (several brokers: kafka://h1:9092,h2:9092/TOPIC)',
  'redis://[:PASSWORD@|USER:PASSWORD@]127.0.0.1:6379/LIST[?db=N] (TLS: rediss://)',
  'amqp://guest:guest@127.0.0.1:5672/QUEUE[?vhost=/] (TLS: amqps://)',
] as const;

const SCHEMES: Readonly<Record<string, { kind: BrokerKind; defaultPort: number; example: string }>> = {
  'kafka:': { kind: 'kafka', defaultPort: 9092, example: 'kafka://127.0.0.1:9092/logs' },
  'redis:': { kind: 'redis', defaultPort: 6379, example: 'redis://127.0.0.1:6379/logs' },
  'rediss:': { kind: 'redis', defaultPort: 6379, example: 'rediss://:PASSWORD@redis.example:6380/logs' },
  'amqp:': { kind: 'rabbitmq', defaultPort: 5672, example: 'amqp://guest:guest@127.0.0.1:5672/logs' },
  'amqps:': {
    kind: 'rabbitmq',
    defaultPort: 5671,
    example: 'amqps://user:PASSWORD@rabbit.example:5671/logs',
  },
};

/** What Kafka accepts as a topic name (its `Topic.validate`). */
const KAFKA_TOPIC = /^(?!\.{1,2}$)[a-zA-Z0-9._-]{1,249}$/;

const FORMS_HINT = `use one of: ${BROKER_URL_FORMS.join('; ')}`;

/**
 * Parses a broker destination. The URL path is the stream (topic, list or queue), so
 * the Redis database and the RabbitMQ vhost move to the query string (`?db=2`,
 * `?vhost=prod`); every query parameter is kept in `options` for the adapter to read.
 *
 * The WHATWG URL parser is not used for the authority: it rejects Kafka's
 * comma-separated broker lists and would percent-decode credentials we must pass on
 * verbatim. Errors only ever show the URL through `redactUrl`.
 */
export function parseBrokerUrl(url: string): BrokerTarget {
  const shown = redactUrl(url.trim());
  const match = /^([a-z][a-z0-9+.-]*:)\/\/([^/?#]*)(?:\/([^?#]*))?(?:\?([^#]*))?(?:#.*)?$/i.exec(url.trim());
  const scheme =
    match?.[1]?.toLowerCase() ?? (/^([a-z][a-z0-9+.-]*:)/i.exec(url.trim())?.[1]?.toLowerCase() || '');
  const spec = SCHEMES[scheme];
  if (!url.includes('://')) {
    // `user:PW@host:6379/x` would otherwise read as scheme "user:"; say what is missing.
    throw new ConfigError(
      `broker URL "${shown}" has no scheme: it is not of the form SCHEME://HOST:PORT/STREAM`,
      { hint: FORMS_HINT },
    );
  }
  if (!match || !spec) {
    throw new ConfigError(
      scheme && !spec
        ? `unknown broker URL scheme "${scheme}" in ${shown}`
        : `broker URL "${shown}" is not of the form SCHEME://HOST:PORT/STREAM`,
      { hint: FORMS_HINT },
    );
  }
  const authority = match[2] ?? '';
  const rawPath = match[3] ?? '';
  if (!authority.includes('@') && /@/.test(url.slice(url.indexOf('://') + 3 + authority.length))) {
    // `redis://u:PW/with/slash@host/l`: the userinfo ends at the first `/`, `?` or `#`, so
    // the password's tail would be read as a host or a stream name and printed.
    throw new ConfigError(
      `broker URL ${shown} has an "@" after its host: a password holding "/", "?", "#" or "@" must be percent-encoded`,
      {
        hint: 'encode the password (node -p "encodeURIComponent(process.argv[1])" PASSWORD) or set it in the environment',
      },
    );
  }
  const options: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(match[4] ?? '')) {
    if (SECRET_PARAMETER.test(key)) {
      // A query parameter is copied into logs, shell history and process listings more
      // readily than userinfo, and no adapter reads a secret from one.
      throw new ConfigError(`broker URL ${shown} carries a secret in its query string ("${key}")`, {
        hint: `put the password in the URL's userinfo (${spec.kind === 'kafka' ? 'or KAFKA_SASL_PASSWORD' : spec.kind === 'redis' ? 'redis://:PASSWORD@host:6379/list' : 'amqp://user:PASSWORD@host:5672/queue'}) or in the environment, not in "?${key}="`,
      });
    }
    options[key] = value;
  }

  let stream: string;
  try {
    stream = decodeURIComponent(rawPath);
  } catch {
    throw new ConfigError(`broker URL ${shown} has a badly percent-encoded stream name "${rawPath}"`, {
      hint: FORMS_HINT,
    });
  }
  if (stream === '') {
    const what = spec.kind === 'kafka' ? 'topic' : spec.kind === 'redis' ? 'list' : 'queue';
    throw new ConfigError(`broker URL ${shown} names no ${what}`, {
      hint: `put the ${what} name in the path, for example ${spec.example}`,
    });
  }

  if (spec.kind === 'kafka' && !KAFKA_TOPIC.test(stream)) {
    // Kafka refuses such a name on every CreateTopics and Produce: retrying cannot help.
    throw new ConfigError(
      `broker URL ${shown} names an invalid Kafka topic ${JSON.stringify(stream)}: topic names are 1-249 characters of letters, digits, ".", "_" and "-", and not "." or ".."`,
      { hint: 'for example kafka://127.0.0.1:9092/app-logs' },
    );
  }

  const at = authority.lastIndexOf('@');
  const credentials = at >= 0 ? authority.slice(0, at + 1) : '';
  const hostList = at >= 0 ? authority.slice(at + 1) : authority;
  if (hostList === '') {
    throw new ConfigError(`broker URL ${shown} names no host`, { hint: `for example ${spec.example}` });
  }
  const hosts = hostList.split(',').map((h) => withPort(h.trim(), spec.defaultPort, shown));
  if (spec.kind !== 'kafka' && hosts.length > 1) {
    throw new ConfigError(
      `broker URL ${shown} lists several hosts; only kafka:// accepts a comma-separated list`,
      {
        hint: FORMS_HINT,
      },
    );
  }

  let connection = `${scheme}//${credentials}${hosts.join(',')}`;
  if (spec.kind === 'redis' && options.db !== undefined && !/^\d{1,2}$/.test(options.db)) {
    throw new ConfigError(
      `broker URL option db must be a database number 0-15, got "${options.db}" in ${shown}`,
    );
  }
  // amqplib reads the vhost from the URL path; "/" (the default vhost) is sent as %2F.
  if (spec.kind === 'rabbitmq' && options.vhost !== undefined)
    connection += `/${encodeURIComponent(options.vhost)}`;

  return { kind: spec.kind, connection, stream, brokers: hosts, options };
}

function withPort(host: string, defaultPort: number, shown: string): string {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::(\d{1,5}))?$/i.exec(host);
  const port = m?.[2] === undefined ? defaultPort : Number(m[2]);
  if (!m || port < 1 || port > 65_535) {
    throw new ConfigError(`broker URL ${shown} has an invalid host:port "${host}"`, { hint: FORMS_HINT });
  }
  return `${m[1]}:${port}`;
}
