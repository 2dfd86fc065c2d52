import { ConfigError, redactUrl, SECRET_PARAMETER } from '@sluice/core';
import type { BrokerDescriptor, BrokerScheme, BrokerUrlParts } from './descriptor.js';
import { BROKERS } from './registry.js';
import type { BrokerTarget } from './types.js';

/** Every backend's URL form, printed whenever a URL cannot be understood. */
export const BROKER_URL_FORMS: readonly string[] = BROKERS.map((d) => d.url.form);

const FORMS_HINT = `use one of: ${BROKER_URL_FORMS.join('; ')}`;

/**
 * Parses a broker destination. The URL path is the stream (topic, list or queue), so
 * the Redis database and the RabbitMQ vhost move to the query string (`?db=2`,
 * `?vhost=prod`); every query parameter is kept in `options` for the adapter to read.
 *
 * The backend is the registered descriptor that lists the URL's scheme. Several may share
 * a scheme: then the one whose `url.matches` claims the URL wins, and a descriptor without
 * `matches` takes what no other claims (see `pickDescriptor`). Backend-specific rules
 * (Kafka's topic names, Redis's db, the RabbitMQ vhost) are the descriptor's.
 *
 * The WHATWG URL parser is not used for the authority: it rejects Kafka's
 * comma-separated broker lists and would percent-decode credentials we must pass on
 * verbatim. Errors only ever show the URL through `redactUrl`.
 */
export function parseBrokerUrl(url: string, registry: readonly BrokerDescriptor[] = BROKERS): BrokerTarget {
  const shown = redactUrl(url.trim());
  const match = /^([a-z][a-z0-9+.-]*:)\/\/([^/?#]*)(?:\/([^?#]*))?(?:\?([^#]*))?(?:#.*)?$/i.exec(url.trim());
  const scheme =
    match?.[1]?.toLowerCase() ?? (/^([a-z][a-z0-9+.-]*:)/i.exec(url.trim())?.[1]?.toLowerCase() || '');
  const owners = registry.filter((d) => d.url.schemes.some((s) => s.scheme === scheme));
  if (!url.includes('://')) {
    // `user:PW@host:6379/x` would otherwise read as scheme "user:"; say what is missing.
    throw new ConfigError(
      `broker URL "${shown}" has no scheme: it is not of the form SCHEME://HOST:PORT/STREAM`,
      { hint: FORMS_HINT },
    );
  }
  if (!match || owners.length === 0) {
    throw new ConfigError(
      scheme && owners.length === 0
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
        hint: `put the password in the URL's userinfo (${(owners[0] as BrokerDescriptor).url.secretHint}) or in the environment, not in "?${key}="`,
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
  const descriptor = pickDescriptor(owners, { scheme, stream, options, shown });
  const spec = descriptor.url.schemes.find((s) => s.scheme === scheme) as BrokerScheme;
  if (stream === '') {
    const what = descriptor.url.streamNoun;
    throw new ConfigError(`broker URL ${shown} names no ${what}`, {
      hint: `put the ${what} name in the path, for example ${spec.example}`,
    });
  }
  descriptor.url.validate?.({ scheme, stream, options, shown });

  const at = authority.lastIndexOf('@');
  const credentials = at >= 0 ? authority.slice(0, at + 1) : '';
  const hostList = at >= 0 ? authority.slice(at + 1) : authority;
  if (hostList === '') {
    throw new ConfigError(`broker URL ${shown} names no host`, { hint: `for example ${spec.example}` });
  }
  const hosts = hostList.split(',').map((h) => withPort(h.trim(), spec.defaultPort, shown));
  if (!descriptor.url.multipleHosts && hosts.length > 1) {
    const lists = registry.filter((d) => d.url.multipleHosts).map((d) => d.url.schemes[0]?.scheme + '//');
    throw new ConfigError(
      `broker URL ${shown} lists several hosts; only ${lists.join(', ')} accepts a comma-separated list`,
      {
        hint: FORMS_HINT,
      },
    );
  }

  const base = `${scheme}//${credentials}${hosts.join(',')}`;
  const connection = descriptor.url.connection?.(base, { scheme, stream, options, shown }) ?? base;

  return { kind: descriptor.kind, connection, stream, brokers: hosts, options };
}

/**
 * Among the descriptors that list a URL's scheme, the one that claims it: a descriptor whose
 * `matches` returns true (a Redis stream's `?type=stream`) wins over one without `matches`
 * (the plain Redis list), which takes every URL of its scheme that nobody else claims. Two
 * claimants are a registry mistake, not a user's.
 */
function pickDescriptor(owners: readonly BrokerDescriptor[], url: BrokerUrlParts): BrokerDescriptor {
  const claimed = owners.filter((d) => d.url.matches?.(url) === true);
  const chosen = claimed.length > 0 ? claimed : owners.filter((d) => d.url.matches === undefined);
  if (chosen.length > 1) {
    throw new Error(
      `broker backends ${chosen.map((d) => d.kind).join(' and ')} both claim ${url.shown}: give one of them url.matches`,
    );
  }
  const descriptor = chosen[0];
  if (descriptor === undefined) {
    throw new ConfigError(`no ${url.scheme}// backend takes ${url.shown}`, {
      hint: `use one of: ${owners.map((d) => d.url.form).join('; ')}`,
    });
  }
  return descriptor;
}

function withPort(host: string, defaultPort: number, shown: string): string {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::(\d{1,5}))?$/i.exec(host);
  const port = m?.[2] === undefined ? defaultPort : Number(m[2]);
  if (!m || port < 1 || port > 65_535) {
    throw new ConfigError(`broker URL ${shown} has an invalid host:port "${host}"`, { hint: FORMS_HINT });
  }
  return `${m[1]}:${port}`;
}
