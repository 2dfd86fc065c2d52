import { finish } from './common.js';
import type { ModuleDefinition } from './types.js';
import { httpOutcome, sourceIpOrDomain, urlDomainFromDestination, urlParts } from './web.js';

/**
 * The addresses Filebeat's nginx pipeline passes over when it picks the client out of
 * `nginx.access.remote_ip_list`: RFC 1918 and loopback IPv4 only (every IPv6 address,
 * ::1 included, counts as public there). Kept identical so `source.ip` is the same.
 */
const FILEBEAT_PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8'];

/**
 * nginx access log: `combined` (optionally + `"$http_x_forwarded_for"`), with what real
 * servers add: an X-Forwarded-For list as the client, IPv6, `-` numbers, custom tails.
 * Field for field as Filebeat's nginx module: the client list is kept in
 * `nginx.access.remote_ip_list` and `source.address` is its first public address (the
 * first element when none is), `source.ip` when that is an IP.
 */
export const nginxAccess: ModuleDefinition = {
  name: 'nginx.access',
  description: 'nginx access log, "combined"/"main" and custom tails; X-Forwarded-For client lists',
  steps: [
    { grok: { patterns: ['^%{NGINX_ACCESS}'] } },
    {
      mutate: {
        gsub: [['nginx.access.remote_ip_list', '"?\\s*,\\s*|"?\\s+', ',']],
        split: { 'nginx.access.remote_ip_list': ',' },
      },
      if: { exists: 'nginx.access.remote_ip_list' },
    },
    {
      client_ip: {
        field: 'nginx.access.remote_ip_list',
        target: 'source.address',
        skip: FILEBEAT_PRIVATE_RANGES,
      },
    },
    sourceIpOrDomain(false),
    urlParts,
    urlDomainFromDestination,
    { user_agent: {}, if: { exists: 'user_agent.original' } },
    {
      mutate: { add: { 'event.kind': 'event', 'event.category': ['web'], 'event.type': ['access'] } },
      if: { not: { tag: '_grokparsefailure' } },
    },
    ...httpOutcome,
    { mutate: { append: { 'related.ip': '%{source.ip}' } }, if: { exists: 'source.ip' } },
    { mutate: { append: { 'related.ip': '%{destination.ip}' } }, if: { exists: 'destination.ip' } },
    { mutate: { append: { 'related.user': '%{user.name}' } }, if: { exists: 'user.name' } },
    ...finish('nginx.access', ['dd/MMM/yyyy:HH:mm:ss Z']),
  ],
};

/**
 * nginx error log. `message` is the text after `pid#tid: *cid ` as in Filebeat (the context
 * nginx appends stays in it); that context (`client: ..., server: ..., request: "...",
 * upstream: "...", host: "...", referrer: "..."`) is also parsed, each part its own search
 * that may miss, since nginx writes only the parts it knows.
 */
export const nginxError: ModuleDefinition = {
  name: 'nginx.error',
  description: 'nginx error log (yyyy/mm/dd hh:mm:ss [level] pid#tid: *cid message, client, server...)',
  steps: [
    { grok: { patterns: ['^%{NGINX_ERROR}'] } },
    { grok: { patterns: [', client: (?<[source][address]>[^,\\s]+)'], tag_on_failure: [] } },
    { grok: { patterns: [', server: (?<[nginx][error][server]>[^,\\s]+)'], tag_on_failure: [] } },
    { grok: { patterns: [', request: "(?:%{WEB_REQUESTLINE})"'], tag_on_failure: [] } },
    { grok: { patterns: [', upstream: "(?<[nginx][error][upstream]>[^"]+)"'], tag_on_failure: [] } },
    {
      grok: {
        patterns: [', host: "(?<[url][domain]>\\[[^\\]"]*\\]|[^":]+)(?::%{POSINT:[url][port]:int})?"'],
        tag_on_failure: [],
      },
    },
    { grok: { patterns: [', referrer: "(?<[http][request][referrer]>[^"]+)"'], tag_on_failure: [] } },
    sourceIpOrDomain(false),
    urlParts,
    {
      mutate: { add: { 'event.kind': 'event', 'event.category': ['web'], 'event.type': ['error'] } },
      if: { not: { tag: '_grokparsefailure' } },
    },
    ...finish('nginx.error', ['yyyy/MM/dd HH:mm:ss']),
  ],
  // nginx writes some messages (FastCGI stderr) with their own line breaks.
  multiline: { startPattern: String.raw`^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} \[` },
};
