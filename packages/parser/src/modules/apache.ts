import { finish } from './common.js';
import type { ModuleDefinition } from './types.js';
import { httpOutcome, sourceIpOrDomain, urlDomainFromDestination, urlParts } from './web.js';

/**
 * Apache httpd access log: Common, Combined, vhost_combined (`%v:%p ` in front) and
 * mod_ssl's ssl_request_log. Field for field as Filebeat's apache module, which keeps a `-`
 * user, referrer and agent as the text "-" and sets `event.category` to the string "web".
 * A host name as client (HostnameLookups) is `source.domain`.
 */
export const apacheAccess: ModuleDefinition = {
  name: 'apache.access',
  description: 'Apache httpd access log: common, combined, vhost_combined, ssl_request_log',
  steps: [
    { grok: { patterns: ['^%{APACHE_ACCESS}', '^%{APACHE_SSL_REQUEST}'] } },
    sourceIpOrDomain(true),
    urlParts,
    urlDomainFromDestination,
    { user_agent: {}, if: { exists: 'user_agent.original' } },
    // mod_ssl's protocol name as ECS tls.*, as Filebeat splits it on its one "v":
    // TLSv1.2 -> tls 1.2, SSLv3 -> ssl 3.0.
    { mutate: { copy: { 'apache.access.ssl.cipher': 'tls.cipher' } } },
    {
      grok: {
        field: 'apache.access.ssl.protocol',
        patterns: ['^(?<[tls][version_protocol]>[^vV]+)[vV](?<[tls][version]>[^vV]+)$'],
        ignore_missing: true,
        tag_on_failure: [],
      },
    },
    {
      mutate: { lowercase: ['tls.version_protocol'], gsub: [['tls.version', '^([^.]*)$', '$1.0']] },
      if: { exists: 'tls.version' },
    },
    {
      mutate: { add: { 'event.kind': 'event', 'event.category': 'web' } },
      if: { not: { tag: '_grokparsefailure' } },
    },
    ...httpOutcome,
    ...finish('apache.access', ['dd/MMM/yyyy:HH:mm:ss Z']),
  ],
};

/**
 * Apache httpd error log, 2.2 (`[date] [level] [client ip]`) and 2.4 (`[module:level]
 * [pid:tid] [client ip:port]`). `message` is the text after those brackets, as in Filebeat
 * (an `AH01234:` code and `(111)Connection refused:` stay in it); the code is also
 * `error.code`, a trailing `, referer: URL` is `http.request.referrer`, and "File does not
 * exist: PATH" gives `file.path`. `event.type` is "error" for warn and worse, else "info".
 */
export const apacheError: ModuleDefinition = {
  name: 'apache.error',
  description: 'Apache httpd error log, 2.2 and 2.4 layouts',
  steps: [
    { grok: { patterns: ['^%{APACHE_ERROR}'] } },
    {
      grok: {
        // In this order, as Filebeat: URIPATH may end in a comma, the referer form goes first.
        patterns: [
          'File does not exist: %{URIPATH:[file][path]}, referer: %{URI:[http][request][referrer]}',
          'File does not exist: %{URIPATH:[file][path]}',
        ],
        ignore_missing: true,
        tag_on_failure: [],
      },
    },
    {
      grok: {
        patterns: ['(?:^|[:\\]] )(?<[error][code]>AH[0-9]{5}):'],
        ignore_missing: true,
        tag_on_failure: [],
      },
    },
    {
      grok: {
        patterns: [', referer: (?<[http][request][referrer]>\\S+)$'],
        ignore_missing: true,
        tag_on_failure: [],
      },
    },
    {
      // 2.4 writes [client] after an OS error text (`(70007)...: [client ip:port] AH01102:`).
      grok: {
        patterns: ['^[^\\[]*: \\[client (?:%{APACHE24_CLIENT})\\] '],
        ignore_missing: true,
        tag_on_failure: [],
      },
      if: { all: [{ exists: 'process.pid' }, { not: { exists: 'source.address' } }] },
    },
    sourceIpOrDomain(true),
    {
      mutate: { add: { 'event.kind': 'event', 'event.category': 'web' } },
      if: { not: { tag: '_grokparsefailure' } },
    },
    {
      mutate: { add: { 'event.type': 'info' } },
      if: {
        all: [
          { exists: 'log.level' },
          { not: { field: 'log.level', in: ['emerg', 'alert', 'crit', 'error', 'warn'] } },
        ],
      },
    },
    {
      mutate: { add: { 'event.type': 'error' } },
      if: { field: 'log.level', in: ['emerg', 'alert', 'crit', 'error', 'warn'] },
    },
    ...finish('apache.error', ['EEE MMM dd HH:mm:ss.SSSSSS yyyy', 'EEE MMM dd HH:mm:ss yyyy']),
  ],
};
