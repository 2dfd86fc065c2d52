import { finish, sourceIp } from './common.js';
import type { ModuleDefinition } from './types.js';

/** nginx access log in the predefined `combined` format, optionally with `"$http_x_forwarded_for"`. */
export const nginxAccess: ModuleDefinition = {
  name: 'nginx.access',
  description: 'nginx access log, the predefined "combined" format (optionally + X-Forwarded-For)',
  steps: [
    { grok: { patterns: ['^%{NGINX_ACCESS}'] } },
    { user_agent: {}, if: { exists: 'user_agent.original' } },
    sourceIp,
    ...finish('nginx.access', ['dd/MMM/yyyy:HH:mm:ss Z']),
  ],
};

/**
 * nginx error log. The context nginx appends (`client: ..., server: ..., request: "..."`)
 * is optional and in varying combinations, so each part is its own search that may miss.
 */
export const nginxError: ModuleDefinition = {
  name: 'nginx.error',
  description: 'nginx error log (yyyy/mm/dd hh:mm:ss [level] pid#tid: *cid message, client, server, request)',
  steps: [
    { grok: { patterns: ['^%{NGINX_ERROR}'] } },
    { grok: { patterns: [', client: %{IP:[source][address]}'], tag_on_failure: [] } },
    { grok: { patterns: [', server: (?<[nginx][error][server]>[^,\\s]+)'], tag_on_failure: [] } },
    {
      grok: {
        patterns: [
          ', request: "%{WORD:[http][request][method]} %{NOTSPACE:[url][original]}(?: HTTP/%{NUMBER:[http][version]})?"',
        ],
        tag_on_failure: [],
      },
    },
    { grok: { patterns: [', host: "(?<[url][domain]>[^"]+)"'], tag_on_failure: [] } },
    sourceIp,
    ...finish('nginx.error', ['yyyy/MM/dd HH:mm:ss']),
  ],
};
