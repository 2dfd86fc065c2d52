import type { PatternFile } from './library.js';

/**
 * Logstash's `bro` file: the tab-separated http.log, dns.log, conn.log and files.log of Bro
 * (Zeek before its 2018 rename), https://docs.zeek.org/en/master/logs/.
 *
 * ECS v1 reads `-` (unset) and `(empty)` as absent and types counters. The Zeek 3+ formats
 * (ZEEK_HTTP, ZEEK_DNS, ...) are Logstash's `zeek` file, zeek.ts.
 *
 * The legacy patterns separate columns with GREEDYDATA (`.*`). In a run of such columns the
 * first `.*` is the greedy one: it takes every surplus column of a line with more columns
 * than the pattern (a Zeek line read with a Bro pattern), and the others take one column
 * each. `run` and `tail` write exactly that, with `[^\t]*` for the single columns so that
 * only one `.*` per run backtracks.
 */

const col = (name: string) => `(?<${name}>[^\\t]*)`;

/** A run of GREEDYDATA columns followed by more pattern: the first takes the surplus. */
const run = (names: readonly string[]) => {
  const [first, ...rest] = names;
  return [`(?<${first}>.*)`, ...rest.map(col)].join(String.raw`\t`);
};

/** A run of GREEDYDATA columns that ends the pattern: the first takes the surplus. */
const tail = (names: readonly string[]) => {
  const [first, ...rest] = names;
  const last = rest.pop();
  return [`(?<${first}>.*)`, ...rest.map(col), `(?<${last}>[^\\t\\n]*)$`].join(String.raw`\t`);
};

const LEGACY_ID = String.raw`%{NUMBER:ts}\t%{NOTSPACE:uid}\t%{IP:orig_h}\t%{INT:orig_p}\t%{IP:resp_h}\t%{INT:resp_p}`;

export const broPatterns: PatternFile = {
  name: 'bro',
  ecs: {
    BRO_BOOL: String.raw`[TF]`,
    BRO_DATA: String.raw`[^\t]+`,
    // http.log before Zeek 3 (no version or origin column, one filename column).
    BRO_HTTP: [
      String.raw`%{NUMBER:timestamp}`,
      String.raw`%{NOTSPACE:[zeek][session_id]}`,
      String.raw`%{IP:[source][ip]}`,
      String.raw`%{INT:[source][port]:int}`,
      String.raw`%{IP:[destination][ip]}`,
      String.raw`%{INT:[destination][port]:int}`,
      String.raw`%{INT:[zeek][http][trans_depth]:int}`,
      String.raw`(?:-|%{WORD:[http][request][method]})`,
      String.raw`(?:-|%{BRO_DATA:[url][domain]})`,
      String.raw`(?:-|%{BRO_DATA:[url][original]})`,
      String.raw`(?:-|%{BRO_DATA:[http][request][referrer]})`,
      String.raw`(?:-|%{BRO_DATA:[user_agent][original]})`,
      String.raw`(?:-|%{NUMBER:[http][request][body][bytes]:int})`,
      String.raw`(?:-|%{NUMBER:[http][response][body][bytes]:int})`,
      String.raw`(?:-|%{POSINT:[http][response][status_code]:int})`,
      String.raw`(?:-|%{DATA:[zeek][http][status_msg]})`,
      String.raw`(?:-|%{POSINT:[zeek][http][info_code]:int})`,
      String.raw`(?:-|%{DATA:[zeek][http][info_msg]})`,
      String.raw`(?:-|%{BRO_DATA:[zeek][http][filename]})`,
      String.raw`(?:\(empty\)|%{BRO_DATA:[zeek][http][tags]})`,
      String.raw`(?:-|%{BRO_DATA:[url][username]})`,
      String.raw`(?:-|%{BRO_DATA:[url][password]})`,
      String.raw`(?:-|%{BRO_DATA:[zeek][http][proxied]})`,
      String.raw`(?:-|%{BRO_DATA:[zeek][http][orig_fuids]})`,
      String.raw`(?:-|%{BRO_DATA:[http][request][mime_type]})`,
      String.raw`(?:-|%{BRO_DATA:[zeek][http][resp_fuids]})`,
      String.raw`(?:-|%{BRO_DATA:[http][response][mime_type]})`,
    ].join(String.raw`\t`),
    // dns.log before the rtt column.
    BRO_DNS: [
      String.raw`%{NUMBER:timestamp}`,
      String.raw`%{NOTSPACE:[zeek][session_id]}`,
      String.raw`%{IP:[source][ip]}`,
      String.raw`%{INT:[source][port]:int}`,
      String.raw`%{IP:[destination][ip]}`,
      String.raw`%{INT:[destination][port]:int}`,
      String.raw`%{WORD:[network][transport]}`,
      String.raw`(?:-|%{INT:[dns][id]:int})`,
      String.raw`(?:-|%{BRO_DATA:[dns][question][name]})`,
      String.raw`(?:-|%{INT:[zeek][dns][qclass]:int})`,
      String.raw`(?:-|%{BRO_DATA:[zeek][dns][qclass_name]})`,
      String.raw`(?:-|%{INT:[zeek][dns][qtype]:int})`,
      String.raw`(?:-|%{BRO_DATA:[dns][question][type]})`,
      String.raw`(?:-|%{INT:[zeek][dns][rcode]:int})`,
      String.raw`(?:-|%{BRO_DATA:[dns][response_code]})`,
      String.raw`(?:-|%{BRO_BOOL:[zeek][dns][AA]})`,
      String.raw`(?:-|%{BRO_BOOL:[zeek][dns][TC]})`,
      String.raw`(?:-|%{BRO_BOOL:[zeek][dns][RD]})`,
      String.raw`(?:-|%{BRO_BOOL:[zeek][dns][RA]})`,
      String.raw`(?:-|%{NONNEGINT:[zeek][dns][Z]:int})`,
      String.raw`(?:-|%{BRO_DATA:[zeek][dns][answers]})`,
      String.raw`(?:-|%{DATA:[zeek][dns][TTLs]})`,
      String.raw`(?:-|%{BRO_BOOL:[zeek][dns][rejected]})`,
    ].join(String.raw`\t`),
    // conn.log of Bro 2.x, with or without the local_resp column.
    BRO_CONN: [
      String.raw`%{NUMBER:timestamp}`,
      String.raw`%{NOTSPACE:[zeek][session_id]}`,
      String.raw`%{IP:[source][ip]}`,
      String.raw`%{INT:[source][port]:int}`,
      String.raw`%{IP:[destination][ip]}`,
      String.raw`%{INT:[destination][port]:int}`,
      String.raw`%{WORD:[network][transport]}`,
      String.raw`(?:-|%{BRO_DATA:[network][protocol]})`,
      String.raw`(?:-|%{NUMBER:[zeek][connection][duration]:float})`,
      String.raw`(?:-|%{INT:[zeek][connection][orig_bytes]:int})`,
      String.raw`(?:-|%{INT:[zeek][connection][resp_bytes]:int})`,
      String.raw`(?:-|%{BRO_DATA:[zeek][connection][state]})`,
      String.raw`(?:-|%{BRO_BOOL:[zeek][connection][local_orig]})`,
      String.raw`(?:(?:-|%{BRO_BOOL:[zeek][connection][local_resp]})\t)?(?:-|%{INT:[zeek][connection][missed_bytes]:int})`,
      String.raw`(?:-|%{BRO_DATA:[zeek][connection][history]})`,
      String.raw`(?:-|%{INT:[source][packets]:int})`,
      String.raw`(?:-|%{INT:[source][bytes]:int})`,
      String.raw`(?:-|%{INT:[destination][packets]:int})`,
      String.raw`(?:-|%{INT:[destination][bytes]:int})`,
      String.raw`(?:\(empty\)|%{BRO_DATA:[zeek][connection][tunnel_parents]})`,
    ].join(String.raw`\t`),
    // files.log; tx_hosts / rx_hosts as a single sender / receiver address.
    BRO_FILES: [
      String.raw`%{NUMBER:timestamp}`,
      String.raw`%{NOTSPACE:[zeek][files][fuid]}`,
      String.raw`(?:-|%{IP:[server][ip]})`,
      String.raw`(?:-|%{IP:[client][ip]})`,
      String.raw`(?:-|%{BRO_DATA:[zeek][files][session_ids]})`,
      String.raw`(?:-|%{BRO_DATA:[zeek][files][source]})`,
      String.raw`(?:-|%{INT:[zeek][files][depth]:int})`,
      String.raw`(?:-|%{BRO_DATA:[zeek][files][analyzers]})`,
      String.raw`(?:-|%{BRO_DATA:[file][mime_type]})`,
      String.raw`(?:-|%{BRO_DATA:[file][name]})`,
      String.raw`(?:-|%{NUMBER:[zeek][files][duration]:float})`,
      String.raw`(?:-|%{BRO_DATA:[zeek][files][local_orig]})`,
      String.raw`(?:-|%{BRO_BOOL:[zeek][files][is_orig]})`,
      String.raw`(?:-|%{INT:[zeek][files][seen_bytes]:int})`,
      String.raw`(?:-|%{INT:[file][size]:int})`,
      String.raw`(?:-|%{INT:[zeek][files][missing_bytes]:int})`,
      String.raw`(?:-|%{INT:[zeek][files][overflow_bytes]:int})`,
      String.raw`(?:-|%{BRO_BOOL:[zeek][files][timedout]})`,
      String.raw`(?:-|%{BRO_DATA:[zeek][files][parent_fuid]})`,
      String.raw`(?:-|%{BRO_DATA:[file][hash][md5]})`,
      String.raw`(?:-|%{BRO_DATA:[file][hash][sha1]})`,
      String.raw`(?:-|%{BRO_DATA:[file][hash][sha256]})`,
      String.raw`(?:-|%{BRO_DATA:[zeek][files][extracted]})`,
    ].join(String.raw`\t`),
  },
  legacy: {
    BRO_HTTP: [
      LEGACY_ID,
      String.raw`%{INT:trans_depth}`,
      run(['method', 'domain', 'uri', 'referrer', 'user_agent']),
      String.raw`%{NUMBER:request_body_len}`,
      String.raw`%{NUMBER:response_body_len}`,
      tail([
        'status_code',
        'status_msg',
        'info_code',
        'info_msg',
        'filename',
        'bro_tags',
        'username',
        'password',
        'proxied',
        'orig_fuids',
        'orig_mime_types',
        'resp_fuids',
        'resp_mime_types',
      ]),
    ].join(String.raw`\t`),
    BRO_DNS: [
      LEGACY_ID,
      String.raw`%{WORD:proto}`,
      String.raw`%{INT:trans_id}`,
      tail([
        'query',
        'qclass',
        'qclass_name',
        'qtype',
        'qtype_name',
        'rcode',
        'rcode_name',
        'AA',
        'TC',
        'RD',
        'RA',
        'Z',
        'answers',
        'TTLs',
        'rejected',
      ]),
    ].join(String.raw`\t`),
    BRO_CONN: [
      LEGACY_ID,
      String.raw`%{WORD:proto}`,
      run(['service']),
      String.raw`%{NUMBER:duration}`,
      String.raw`%{NUMBER:orig_bytes}`,
      String.raw`%{NUMBER:resp_bytes}`,
      tail([
        'conn_state',
        'local_orig',
        'missed_bytes',
        'history',
        'orig_pkts',
        'orig_ip_bytes',
        'resp_pkts',
        'resp_ip_bytes',
        'tunnel_parents',
      ]),
    ].join(String.raw`\t`),
    BRO_FILES: [
      String.raw`%{NUMBER:ts}`,
      String.raw`%{NOTSPACE:fuid}`,
      String.raw`%{IP:tx_hosts}`,
      String.raw`%{IP:rx_hosts}`,
      String.raw`%{NOTSPACE:conn_uids}`,
      tail([
        'source',
        'depth',
        'analyzers',
        'mime_type',
        'filename',
        'duration',
        'local_orig',
        'is_orig',
        'seen_bytes',
        'total_bytes',
        'missing_bytes',
        'overflow_bytes',
        'timedout',
        'parent_fuid',
        'md5',
        'sha1',
        'sha256',
        'extracted',
      ]),
    ].join(String.raw`\t`),
  },
};
