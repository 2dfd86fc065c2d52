import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Grok } from '../grok/compiler.js';

/**
 * The web modules' patterns carry lookahead guards that only skip dead ends (see WEB_IP in
 * module-web.ts). Differential test: the same lines through the patterns as they were
 * before the guards must give the same match or no match, field for field.
 */
const UNGUARDED: Record<string, string> = {
  NGINX_HOST: String.raw`(?:%{IP:[destination][ip]}|(?<[destination][domain]>[^\t ,:]+))(?::%{POSINT:[destination][port]:int})?`,
  NGINX_ADDRESS_LIST: String.raw`(?:%{IP}|%{WORD})(?:"?(?:,\s*|\s+)(?:%{IP}|%{WORD}))*`,
  NGINX_CLIENT: String.raw`(?:%{NGINX_HOST} )?"?(?:%{NGINX_ADDRESS_LIST:[nginx][access][remote_ip_list]}|%{NOTSPACE:[source][address]})`,
  APACHE_VHOST: String.raw`%{IPORHOST:[destination][domain]}(?::%{POSINT:[destination][port]:int})?`,
  APACHE_ACCESS: String.raw`(?:%{APACHE_VHOST} )?(?:%{IPORHOST},\s*)*%{IPORHOST:[source][address]} (?:-|%{APACHE_USER:[apache][access][user][identity]}) %{DATA:[user][name]} \[%{HTTPDATE:timestamp}\] "(?:%{WEB_REQUESTLINE})" (?:-|%{INT:[http][response][status_code]:int}) (?:-|%{INT:[http][response][body][bytes]:int})(?: "%{WEB_QUOTED:[http][request][referrer]}")?(?: "%{WEB_QUOTED:[user_agent][original]}")?`,
};

const PATTERNS = [['^%{APACHE_ACCESS}', '^%{APACHE_SSL_REQUEST}'], ['^%{NGINX_ACCESS}']] as const;
const pairs = PATTERNS.map((patterns) => ({
  guarded: new Grok(patterns),
  unguarded: new Grok(patterns, { definitions: UNGUARDED }),
}));

function expectSameMatch(line: string): void {
  for (const { guarded, unguarded } of pairs) expect(guarded.match(line)).toEqual(unguarded.match(line));
}

// What decides the client part: addresses of both families (IPv6 with zones, holding
// blanks), host names, lists, quotes, ports, tabs, "%", and the "-" that follows.
const clientPiece = fc.constantFrom(
  '22.250.178.133',
  '10.0.0.1',
  '::1',
  '2001:db8::8a2e:370:7334',
  'fe80::1%eth0',
  'fe80::1%eth 0',
  '::ffff:10.0.0.1',
  'www.example.com',
  'host-1',
  'unix:',
  'a%b',
  '-',
  '"',
  ':8080',
  ':0',
  ', ',
  ',',
  ' ',
  '\t',
  '  ',
  '_x',
  '1.2.3',
  'dead:beef',
  '\r',
  '\n',
);
const restPiece = fc.constantFrom(
  ' - bob [15/Jan/2026:10:00:00 +0000] "GET /a.js HTTP/1.1" 200 12 "-" "Mozilla/5.0 (X11)"',
  ' - - [15/Jan/2026:10:00:00 +0000] "GET / HTTP/1.0" 304 - "http://x/?q=\\"a\\"" "-"',
  ' bob frank [15/Jan/2026:10:00:00 +0000] "-" - -',
  ' - [15/Jan/2026:10:00:00 +0000] "POST /x y HTTP/2.0" 500 0 "-" "-" "1.2.3.4, 5.6.7.8"',
  ' TLSv1.2 ECDHE-RSA-AES128 "GET / HTTP/1.1" 512',
  ' - bob [15/Jan/2026:10:00:00 +0000] "GET',
  // A user that starts with "[" (only a later " [date] " can end it).
  ' - - [u] [15/Jan/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"',
  ' - [u] [15/Jan/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1',
  ' - - [15/Jan/2026:10:00:00 +0000] "GET / [15/Jan/2026:10:00:00 +0000] HTTP/1.1" 200 1',
  ' - - [15/Jan/2026:10:00:00 +0000]x [15/Feb/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1',
);
const noise = fc.string({
  unit: fc.constantFrom(' ', '\t', '%', ',', ':', '-', '"', '.', '1', 'a', 'f', '[', '\\'),
});

describe('web module patterns: guards change no match', () => {
  test('generated access lines, vhosts, client lists and hostile clients', () => {
    fc.assert(
      fc.property(
        fc.array(clientPiece, { maxLength: 8 }),
        fc.array(clientPiece, { maxLength: 6 }),
        restPiece,
        noise,
        (head, client, rest, tail) => {
          expectSameMatch(head.join('') + client.join('') + rest);
          expectSameMatch(`[15/Jan/2026:10:00:00 +0000] ${client.join('')}${rest}`);
          expectSameMatch(head.join('') + tail + rest);
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('source.address alone, as the modules match it again for source.ip', () => {
    const address = [
      [
        new Grok(['^(?:%{WEB_IP:[source][ip]}|%{HOSTNAME:[source][domain]})$']),
        new Grok(['^(?:%{IP:[source][ip]}|%{HOSTNAME:[source][domain]})$']),
      ],
      [new Grok(['^%{WEB_IP:[source][ip]}$']), new Grok(['^%{IP:[source][ip]}$'])],
    ] as const;
    fc.assert(
      fc.property(fc.array(clientPiece, { maxLength: 6 }), noise, (pieces, tail) => {
        for (const text of [pieces.join(''), pieces.join('') + tail]) {
          for (const [guarded, unguarded] of address)
            expect(guarded.match(text)).toEqual(unguarded.match(text));
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('known shapes', () => {
    for (const line of [
      '22.250.178.133 - bob [15/Jan/2026:10:00:00 +0000] "GET /a HTTP/1.1" 200 1 "-" "UA"',
      'www.example.com:443 10.0.0.1 - - [15/Jan/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1',
      'fe80::1%eth0 - bob [15/Jan/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1',
      'fe80::1%eth 0 1.2.3.4 - bob [15/Jan/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1',
      '10.0.0.1, 192.168.0.1 - - [15/Jan/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1',
      '"10.0.0.1, 10.0.0.2" - - [15/Jan/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"',
      'example.com "unix:" - - [15/Jan/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"',
      'example.com - - [u] [15/Jan/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"',
      '- - - [15/Jan/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1',
    ]) {
      expectSameMatch(line);
    }
  });
});
