import type { ProcessorSpec } from '../pipeline/compile.js';

/**
 * Steps the web modules share, each reproducing a choice of Filebeat's nginx and apache
 * ingest pipelines so that the fields both emit hold the same values.
 */

/**
 * The parts Filebeat derives from the request target with Elasticsearch's uri_parts
 * (url.path, url.query, url.extension, url.scheme, url.domain, url.port...). `url.original`
 * stays as the log wrote it even when the target is no URI, where Filebeat drops it.
 */
export const urlParts: ProcessorSpec = {
  uri_parts: { field: 'url.original', keep_original: false, tag_on_failure: [] },
};

/** A host name in front of the client (nginx `$host`, Apache `%v`) is also the URL's domain. */
export const urlDomainFromDestination: ProcessorSpec = {
  mutate: { copy: { 'destination.domain': 'url.domain' } },
  if: { all: [{ exists: 'destination.domain' }, { not: { exists: 'url.domain' } }] },
};

/**
 * `source.ip` when the address is an IP; with `domains`, `source.domain` when it is a host
 * name. WEB_IP is %{IP} without trying IPv6 on what cannot be one (see module-web.ts).
 */
export function sourceIpOrDomain(domains: boolean): ProcessorSpec {
  return {
    grok: {
      field: 'source.address',
      patterns: [
        domains ? '^(?:%{WEB_IP:[source][ip]}|%{HOSTNAME:[source][domain]})$' : '^%{WEB_IP:[source][ip]}$',
      ],
      ignore_missing: true,
      tag_on_failure: [],
    },
  };
}

/** event.outcome from the status: below 400 success, 400 and above failure. */
export const httpOutcome: ProcessorSpec[] = [
  {
    mutate: { add: { 'event.outcome': 'success' } },
    if: { field: 'http.response.status_code', matches: '^[0-3]?[0-9]?[0-9]$' },
  },
  {
    mutate: { add: { 'event.outcome': 'failure' } },
    if: {
      all: [
        { exists: 'http.response.status_code' },
        { not: { field: 'http.response.status_code', matches: '^[0-3]?[0-9]?[0-9]$' } },
      ],
    },
  },
];
