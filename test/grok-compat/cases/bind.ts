import type { GrokCaseFile } from '../case.js';

/**
 * BIND 9 query log lines (`category queries`), before and after BIND 9.10 added the client
 * object address, with IPv4 and IPv6 clients.
 */
export default {
  file: 'bind',
  cases: [
    {
      pattern: 'BIND9',
      line: '17-Feb-2018 23:06:56.326 queries: info: client 172.26.0.1#12345 (test.example.com): query: test.example.com IN A +E(0)K (172.26.0.3)',
      ecs: {
        timestamp: '17-Feb-2018 23:06:56.326',
        bind: { log: { category: 'queries', question: { name: 'test.example.com', flags: '+E(0)K' } } },
        log: { level: 'info' },
        client: { ip: '172.26.0.1', port: 12345 },
        dns: { question: { name: 'test.example.com', class: 'IN', type: 'A' } },
        server: { ip: '172.26.0.3' },
      },
      legacy: {
        timestamp: '17-Feb-2018 23:06:56.326',
        loglevel: 'info',
        clientip: '172.26.0.1',
        clientport: '12345',
        query: ['test.example.com', 'test.example.com'],
        querytype: 'A +E(0)K',
        dns: '172.26.0.3',
      },
    },
    {
      pattern: 'BIND9',
      line: '04-Mar-2021 10:21:33.512 queries: info: client @0x7f64500020ef 192.168.10.48#60061 (91.2.10.170.in-addr.arpa): query: 91.2.10.170.in-addr.arpa IN PTR +E(0) (192.168.2.2)',
      note: 'BIND 9.10+ prints the client object address',
      ecs: {
        timestamp: '04-Mar-2021 10:21:33.512',
        bind: {
          log: { category: 'queries', question: { name: '91.2.10.170.in-addr.arpa', flags: '+E(0)' } },
        },
        log: { level: 'info' },
        client: { ip: '192.168.10.48', port: 60061 },
        dns: { question: { name: '91.2.10.170.in-addr.arpa', class: 'IN', type: 'PTR' } },
        server: { ip: '192.168.2.2' },
      },
      legacy: null,
    },
    {
      pattern: 'BIND9',
      line: '12-Nov-2019 08:00:01.000 queries: info: client 2001:db8::53#53211 (mail.example.org): query: mail.example.org IN AAAA -ED (2001:db8::1)',
      note: 'IPv6 client and server',
      ecs: {
        timestamp: '12-Nov-2019 08:00:01.000',
        bind: { log: { category: 'queries', question: { name: 'mail.example.org', flags: '-ED' } } },
        log: { level: 'info' },
        client: { ip: '2001:db8::53', port: 53211 },
        dns: { question: { name: 'mail.example.org', class: 'IN', type: 'AAAA' } },
        server: { ip: '2001:db8::1' },
      },
      legacy: {
        timestamp: '12-Nov-2019 08:00:01.000',
        loglevel: 'info',
        clientip: '2001:db8::53',
        clientport: '53211',
        query: ['mail.example.org', 'mail.example.org'],
        querytype: 'AAAA -ED',
        dns: '2001:db8::1',
      },
    },
    {
      pattern: 'BIND9',
      line: '17-Feb-2018 23:06:56.326 resolver: info: client 172.26.0.1#12345: no valid signature found',
      ecs: null,
      legacy: null,
    },
    {
      pattern: 'BIND9_QUERYLOG',
      line: '17-Feb-2018 23:06:56.326 queries: info: client 172.26.0.1#12345 (test.example.com): query: test.example.com IN A +E(0)K (172.26.0.3)',
      ecs: {
        timestamp: '17-Feb-2018 23:06:56.326',
        bind: { log: { category: 'queries', question: { name: 'test.example.com', flags: '+E(0)K' } } },
        log: { level: 'info' },
        client: { ip: '172.26.0.1', port: 12345 },
        dns: { question: { name: 'test.example.com', class: 'IN', type: 'A' } },
        server: { ip: '172.26.0.3' },
      },
    },
    {
      pattern: 'BIND9_QUERYLOGBASE',
      line: 'client 172.26.0.1#12345 (test.example.com): query: test.example.com IN MX + (172.26.0.3)',
      ecs: {
        client: { ip: '172.26.0.1', port: 12345 },
        bind: { log: { question: { name: 'test.example.com', flags: '+' } } },
        dns: { question: { name: 'test.example.com', class: 'IN', type: 'MX' } },
        server: { ip: '172.26.0.3' },
      },
    },
    { pattern: 'BIND9_TIMESTAMP', line: '17-Feb-2018 23:06:56.326', ecs: {}, legacy: {} },
    { pattern: 'BIND9_DNSTYPE', line: 'AAAA', ecs: {} },
    { pattern: 'BIND9_CATEGORY', line: 'queries', ecs: {} },
  ],
} satisfies GrokCaseFile;
