import { describe, expect, test } from 'vitest';
import { compilePattern, Grok } from '../grok/compiler.js';
import { builtinPatterns, patternFiles } from './index.js';
import { definitionsOf } from './library.js';

const whole = (name: string) => new Grok([`^%{${name}:v}$`]);

describe('the pattern library', () => {
  test('names are unique across the files in each naming mode, and every pattern compiles on its own', () => {
    for (const mode of ['v1', 'disabled'] as const) {
      const seen = new Map<string, string>();
      for (const file of patternFiles) {
        for (const name of Object.keys(definitionsOf(file, mode))) {
          expect(seen.get(name), `${name} is defined in ${seen.get(name)} and ${file.name}`).toBeUndefined();
          seen.set(name, file.name);
        }
      }
    }
    for (const name of Object.keys(builtinPatterns))
      expect(() => compilePattern(`%{${name}}`), name).not.toThrow();
  });

  const examples: Record<string, { match: string[]; reject: string[] }> = {
    WORD: { match: ['hello', 'snake_case', 'x1'], reject: ['two words', ''] },
    INT: { match: ['0', '-12', '+7'], reject: ['1.5', 'x'] },
    NUMBER: { match: ['3', '-3.25', '.5'], reject: ['1e5x', '-', '10.'] },
    BASE16NUM: { match: ['0x1F', 'ff', '-0xaB'], reject: ['0xg', '0XaB'] },
    POSINT: { match: ['1', '42'], reject: ['0', '-1', '01'] },
    NONNEGINT: { match: ['0', '007'], reject: ['-1'] },
    UUID: {
      match: ['123e4567-e89b-12d3-a456-426614174000'],
      reject: ['123e4567-e89b-12d3-a456-42661417400'],
    },
    IPV4: { match: ['192.0.2.1', '255.255.255.255', '0.0.0.0'], reject: ['256.1.1.1', '1.2.3', '1.2.3.4.5'] },
    IPV6: {
      match: [
        '::',
        '::1',
        '2001:db8::8a2e:370:7334',
        'fe80::1%eth0',
        '::ffff:192.0.2.128',
        '1:2:3:4:5:6:7:8',
        '2001:db8::',
      ],
      reject: ['1:2:3:4:5:6:7:8:9', '2001:db8:::1', 'gggg::1', '12345::1'],
    },
    IP: {
      match: ['10.0.0.1', '::1', '::ffff:192.0.2.128', '64:ff9b::192.0.2.33', 'fe80::1%eth0'],
      reject: ['10.0.0'],
    },
    HOSTNAME: { match: ['example.com', 'web-01', 'a.b.c.'], reject: ['-bad.com', 'a..b', 'host_1.lan'] },
    IPORHOST: { match: ['example.com', '10.1.2.3', '2001:db8::1'], reject: ['bad host'] },
    HOSTPORT: { match: ['example.com:8080', '10.0.0.1:80'], reject: ['example.com:', 'example.com:0'] },
    EMAILADDRESS: { match: ['a.b+tag@example.co.uk'], reject: ['a@', '@example.com', 'a..b@example.com'] },
    USERNAME: { match: ['alice', 'svc.deploy-01'], reject: ['a b'] },
    MAC: { match: ['00:1A:2b:3C:4d:5E', '00-1A-2B-3C-4D-5E', '001a.2b3c.4d5e'], reject: ['00:1A:2B:3C:4D'] },
    UNIXPATH: {
      match: ['/var/log/nginx/access.log', '/', '/home/josé/Документы'],
      reject: ['var/log', '/a\\b'],
    },
    WINPATH: { match: ['C:\\Windows\\System32', '\\\\server\\share\\file.txt'], reject: ['C:/x'] },
    URIPATHPARAM: { match: ['/a/b?c=d&e=f', '/index.html'], reject: ['a/b'] },
    URI: {
      match: ['https://user:pw@example.com:8443/p/a?q=1', 'ftp://10.0.0.1/file', 'http://example.com'],
      reject: ['example.com/path', '://x'],
    },
    QUOTEDSTRING: { match: ['"a \\"quoted\\" word"', "'single'", '``'], reject: ['"open', '"a"b"'] },
    LOGLEVEL: {
      match: ['INFO', 'warn', 'Warning', 'ERROR', 'crit', 'FATAL', 'debug', 'TRACE', 'emerg'],
      reject: ['loud'],
    },
    MONTH: { match: ['Jan', 'January', 'Sep', 'dec', 'Mär', 'Okt'], reject: ['Janu', 'Foo', 'SEP', 'Sept'] },
    DAY: { match: ['Mon', 'Thursday', 'Sun'], reject: ['Mond', 'SUN'] },
    TIME: { match: ['09:12:03', '10:23:45.123456', '10:23:45,123'], reject: ['24:00:00', '9:60', '23:59'] },
    TIMESTAMP_ISO8601: {
      match: [
        '2024-01-15T10:23:45Z',
        '2024-01-15 10:23:45,123',
        '2024-01-15T10:23:45.123456+01:00',
        '2024-01-15T10:23',
      ],
      reject: ['2024-13-15T10:23:45Z', '2024/01/15 10:23:45'],
    },
    HTTPDATE: { match: ['10/Oct/2000:13:55:36 -0700'], reject: ['10/Oct/2000 13:55:36 -0700'] },
    SYSLOGTIMESTAMP: { match: ['Oct  1 09:12:03', 'Jan 15 10:23:45'], reject: ['2024-01-15 10:23:45'] },
    DATESTAMP: { match: ['01/15/2024 10:23:45', '15.01.2024 10:23:45'], reject: ['2024-01-15'] },
    DATESTAMP_RFC2822: { match: ['Mon, 15 Jan 2024 10:23:45 +0000'], reject: ['15 Jan 2024'] },
    HTTPDERROR_DATE: {
      match: ['Wed Oct 11 14:32:52 2000', 'Thu May 12 08:28:57.652118 2011'],
      reject: ['Oct 11 2000'],
    },
    JAVACLASS: { match: ['com.example.Foo$Bar', 'Main'], reject: ['1com.x'] },
    JAVASTACKTRACEPART: {
      match: [
        '\tat com.example.Foo.bar(Foo.java:42)',
        '\tat java.base/jdk.internal.Foo.<init>(Native Method)'.replace('java.base/', ''),
      ],
      reject: ['at nothing'],
    },
  };

  // What a capture holds in an unanchored search, where Logstash's first matching
  // alternative decides (the compatibility suite only checks %{NAME}, without a capture).
  test.each([
    ['IP', 'from ::ffff:192.0.2.128 port 22', '::ffff:192'],
    ['IP', 'from 2001:db8::7 port 22', '2001:db8::7'],
    ['IP', 'from 192.0.2.7:22', '192.0.2.7'],
    ['IPV6', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8'],
    ['IPV6', '2001:db8:::1', '2001:db8::'],
    ['IPV6', 'fe80::1%eth0 rest of line', 'fe80::1%eth0 rest of line'],
    ['IPV4', '1.2.3.4.5', '1.2.3.4'],
    ['EMAILADDRESS', 'john..doe@example.com', 'doe@example.com'],
    ['URI', 'http://[2001:db8::1]:8080/index.html', 'http://'],
    ['HOSTNAME', 'my_host.example.com', 'my'],
    ['NUMBER', 'v1.2.3', '1.2'],
    ['BASE16NUM', '0XFF', '0'],
    ['LOGLEVEL', 'debugging', 'debug'],
  ])('%%{%s:v} on %j captures %j', (name, line, value) => {
    expect(new Grok([`%{${name}:v}`]).match(line)).toEqual({ v: value });
  });

  test.each(Object.entries(examples))(
    '%s matches what it should and only that',
    (name, { match, reject }) => {
      const grok = whole(name);
      for (const text of match)
        expect(grok.match(text), `${name} should match ${JSON.stringify(text)}`).toMatchObject({ v: text });
      for (const text of reject)
        expect(grok.match(text), `${name} should reject ${JSON.stringify(text)}`).toBeNull();
    },
  );
});

describe('safety of the library: no pattern backtracks catastrophically', () => {
  // Inputs that make badly written patterns explode: long runs of the characters the
  // patterns repeat, ending in a character that makes the match fail at the very end.
  const unit = [
    'a',
    '1',
    '.',
    ' ',
    '-',
    ':',
    '/',
    '"',
    '\\"',
    'a.',
    '1.',
    'a:',
    '1:',
    'ab-',
    '[a',
    '%2',
    'a@',
    '::1',
  ];
  const adversarial = (size: number) =>
    unit.flatMap((u) => [
      `${u.repeat(Math.ceil(size / u.length))}\u0000`,
      `"${u.repeat(Math.ceil(size / u.length))}`,
    ]);

  // Anchored (as modules use them), a pattern must stay near-linear: 4 KiB in under 50 ms.
  // Unanchored, a search restarts at every offset, so even a good pattern is quadratic on a
  // line it cannot match; 512 bytes in under 50 ms still rules out exponential blow-ups, which
  // show at a few dozen characters.
  test.each([
    ['anchored', 4096, (name: string) => `^%{${name}}$`],
    ['unanchored', 512, (name: string) => `%{${name}}`],
  ] as const)(
    'every built-in pattern, %s, gives up on adversarial lines of %i bytes in under 50 ms',
    (_kind, size, wrap) => {
      const inputs = adversarial(size);
      const slow: string[] = [];
      for (const name of Object.keys(builtinPatterns)) {
        const { regex } = compilePattern(wrap(name));
        regex.exec('warm up the regexp compiler');
        for (const input of inputs) {
          // The best of three runs: a garbage collection or a busy machine can stall one run,
          // a catastrophic pattern is slow every time.
          let ms = Number.POSITIVE_INFINITY;
          for (let run = 0; run < 3 && ms > 50; run++) {
            const started = performance.now();
            regex.exec(input);
            ms = Math.min(ms, performance.now() - started);
          }
          if (ms > 50) slow.push(`${name} on ${JSON.stringify(input.slice(0, 12))}...: ${ms.toFixed(0)} ms`);
        }
      }
      expect(slow).toEqual([]);
    },
  );
});
