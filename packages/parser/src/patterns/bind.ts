import type { PatternFile } from './library.js';

/**
 * Logstash's `bind` file: the BIND 9 query log (`logging { category queries ...; }` with
 * `print-time`, `print-category` and `print-severity`), for example
 * `17-Feb-2018 23:06:56.326 queries: info: client @0x7f64500020ef 192.168.10.48#60061
 * (www.example.com): query: www.example.com IN A +E(0) (192.168.2.2)`.
 *
 * ECS v1 knows the `client @0x...` object address BIND 9.10+ prints and the query flags;
 * the legacy pattern predates both and captures the question name twice under one name.
 */
export const bindPatterns: PatternFile = {
  name: 'bind',
  shared: {
    BIND9_TIMESTAMP: String.raw`%{MONTHDAY}[-]%{MONTH}[-]%{YEAR} %{TIME}`,
  },
  ecs: {
    BIND9_DNSTYPE: String.raw`(?:A|AAAA|CAA|CDNSKEY|CDS|CERT|CNAME|CSYNC|DLV|DNAME|DNSKEY|DS|HINFO|LOC|MX|NAPTR|NS|NSEC|NSEC3|OPENPGPKEY|PTR|RRSIG|RP|SIG|SMIMEA|SOA|SRV|TSIG|TXT|URI)`,
    BIND9_CATEGORY: String.raw`(?:queries)`,
    // Only class IN is logged by BIND for queries; the name in parentheses repeats the question.
    BIND9_QUERYLOGBASE: [
      String.raw`client(?::? @0x(?:[0-9A-Fa-f]+))? %{IP:[client][ip]}#%{POSINT:[client][port]:int}`,
      String.raw`\(%{GREEDYDATA:[bind][log][question][name]}\): query: %{GREEDYDATA:[dns][question][name]}`,
      String.raw`(?<[dns][question][class]>IN) %{BIND9_DNSTYPE:[dns][question][type]}(?::? %{DATA:[bind][log][question][flags]})? \(%{IP:[server][ip]}\)`,
    ].join(' '),
    // For the queries category the severity is always info.
    BIND9_QUERYLOG: String.raw`%{BIND9_TIMESTAMP:timestamp} %{BIND9_CATEGORY:[bind][log][category]}: %{LOGLEVEL:[log][level]}: %{BIND9_QUERYLOGBASE}`,
    BIND9: String.raw`%{BIND9_QUERYLOG}`,
  },
  legacy: {
    BIND9: String.raw`%{BIND9_TIMESTAMP:timestamp} queries: %{LOGLEVEL:loglevel}: client %{IP:clientip}#%{POSINT:clientport} \(%{GREEDYDATA:query}\): query: %{GREEDYDATA:query} IN %{GREEDYDATA:querytype} \(%{IP:dns}\)`,
  },
};
