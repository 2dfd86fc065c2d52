import type { PatternFile } from './library.js';

/**
 * Logstash's `squid` file: Squid's native access.log format
 * (`time elapsed remotehost code/status bytes method URL rfc931 peerstatus/peerhost type`),
 * https://wiki.squid-cache.org/Features/LogFormat.
 *
 * ECS v1 reads "-" as absent (user, peer host, content type) and a status of 0 or 000
 * (no reply, for example an aborted or denied request) as no status code.
 */
export const squidPatterns: PatternFile = {
  name: 'squid',
  ecs: {
    SQUID3_STATUS: String.raw`(?:%{POSINT:[http][response][status_code]:int}|0|000)`,
    SQUID3: [
      String.raw`%{NUMBER:timestamp}\s+%{NUMBER:[squid][request][duration]:int}\s%{IP:[source][ip]}`,
      String.raw`%{WORD:[event][action]}/%{SQUID3_STATUS}\s%{INT:[http][response][bytes]:int}`,
      String.raw`%{WORD:[http][request][method]}\s%{NOTSPACE:[url][original]}\s(?:-|%{NOTSPACE:[user][name]})`,
      String.raw`%{WORD:[squid][hierarchy_code]}/(?:-|%{IPORHOST:[destination][address]})\s(?:-|%{NOTSPACE:[http][response][mime_type]})`,
    ].join(String.raw`\s`),
  },
  legacy: {
    SQUID3: [
      String.raw`%{NUMBER:timestamp}\s+%{NUMBER:duration}\s%{IP:client_address}\s%{WORD:cache_result}/%{NONNEGINT:status_code}`,
      String.raw`%{NUMBER:bytes}\s%{WORD:request_method}\s%{NOTSPACE:url}\s(?:%{NOTSPACE:user}|-)`,
      String.raw`%{WORD:hierarchy_code}/%{IPORHOST:server}\s%{NOTSPACE:content_type}`,
    ].join(String.raw`\s`),
  },
};
