import { ConfigError } from '@sluice/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCardNumber, luhnValid, redact } from './redact.js';

const where = 'p.yaml:6: processor 3 (redact)';
const text = (message: string, options: Record<string, unknown> = {}) =>
  (redact(options, { where }).apply({ message }) as { message: string }).message;

/** A Luhn-valid number with the given first digit and length. */
function card(first: number, body: number[], length: number): string {
  const digits = [first, ...body].slice(0, length - 1);
  while (digits.length < length - 1) digits.push(0);
  for (let check = 0; check < 10; check++) {
    const candidate = digits.join('') + check;
    if (luhnValid(candidate)) return candidate;
  }
  throw new Error('unreachable');
}

describe('redact: detectors', () => {
  it('masks e-mail addresses but not handles or broken addresses', () => {
    expect(text('mail from john.doe+tag@mail.example.co.uk, cc <a@b.io>.')).toBe(
      'mail from [REDACTED:email], cc <[REDACTED:email]>.',
    );
    expect(text('twitter @bob and user@localhost and x@y.z1')).toBe(
      'twitter @bob and user@localhost and x@y.z1',
    );
  });

  it('masks IPv4 and IPv6, leaves versions, times, MACs and Ruby constants', () => {
    expect(text('client 203.0.113.9:443 via 10.0.0.1.')).toBe('client [REDACTED:ip]:443 via [REDACTED:ip].');
    expect(text('from [2001:db8::1]:8080 and fe80::1%eth0 and ::1')).toBe(
      'from [[REDACTED:ip]]:8080 and [REDACTED:ip]%eth0 and [REDACTED:ip]',
    );
    expect(text('GET http://198.51.100.7/x Chrome/120.0.0.0 Safari/537.36')).toBe(
      'GET http://[REDACTED:ip]/x Chrome/120.0.0.0 Safari/537.36',
    );
    expect(text('v1.2.3 at 12:30:45 mac 00:1a:2b:3c:4d:5e ActionController::Base 999.1.1.1 1.2.3.4.5')).toBe(
      'v1.2.3 at 12:30:45 mac 00:1a:2b:3c:4d:5e ActionController::Base 999.1.1.1 1.2.3.4.5',
    );
  });

  it('masks Luhn-valid card numbers, grouped or not, and keeps order ids', () => {
    expect(text('paid with 4111 1111 1111 1111 exp 12/26')).toBe('paid with [REDACTED:card] exp 12/26');
    expect(text('card=4111-1111-1111-1111&x=1')).toBe('card=[REDACTED:card]&x=1');
    expect(text('cards 5500000000000004 378282246310005')).toBe('cards [REDACTED:card] [REDACTED:card]');
    expect(text('4111111111111111 5')).toBe('[REDACTED:card] 5');
    // Order ids, timestamps and long ids: Luhn fails, or the first digit is not a card network's.
    expect(text('order 4111111111111112 ts 1700000000123 id 12345678901234567890123')).toBe(
      'order 4111111111111112 ts 1700000000123 id 12345678901234567890123',
    );
  });

  it('masks credentials: Authorization headers, bearer tokens, JWTs, password-like keys, URLs', () => {
    expect(text('Authorization: Bearer abc.def-123')).toBe('Authorization: Bearer [REDACTED:secret]');
    expect(text('"authorization":"Basic dXNlcjpwYXNz"')).toBe('"authorization":"Basic [REDACTED:secret]"');
    expect(text('token is bearer 0123456789abcdef!')).toBe('token is bearer [REDACTED:secret]!');
    expect(text('jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_nature ok')).toBe('jwt [REDACTED:secret] ok');
    expect(text('login password=hunter2 user=bob db.password: "s3cr3t" ?api_key=XYZ&client_secret=q')).toBe(
      'login password=[REDACTED:secret] user=bob db.password: "[REDACTED:secret]" ?api_key=[REDACTED:secret]&client_secret=[REDACTED:secret]',
    );
    expect(text('{"password":"p@ss w","Token": "t"}')).toBe(
      '{"password":"[REDACTED:secret] w","Token": "[REDACTED:secret]"}',
    );
    expect(text('connect amqp://guest:guest@mq:5672/ and https://host/path@x')).toBe(
      'connect amqp://guest:[REDACTED:secret]@mq:5672/ and https://host/path@x',
    );
    expect(text('passwordless login, tokens: 5')).toBe('passwordless login, tokens: 5');
  });
});

describe('redact: options', () => {
  it('scans listed fields (strings and lists) and masks configured fields whole', () => {
    const p = redact(
      { fields: ['message', 'notes'], mask_fields: ['user.password', 'http.request.headers'] },
      { where },
    );
    expect(
      p.apply({
        message: 'ip 1.2.3.4',
        notes: ['a@b.co', 7],
        user: { password: 'x', name: 'bob' },
        http: { request: { headers: { cookie: 'c' } } },
      }),
    ).toEqual({
      message: 'ip [REDACTED:ip]',
      notes: ['[REDACTED:email]', 7],
      user: { password: '[REDACTED:field]', name: 'bob' },
      http: { request: { headers: '[REDACTED:field]' } },
    });
  });

  it('chooses detectors', () => {
    expect(text('a@b.co 1.2.3.4', { detectors: ['ipv4'] })).toBe('a@b.co [REDACTED:ip]');
  });

  it('hash mode gives stable, keyed, non-reversible tokens', () => {
    const secret = '0123456789abcdef';
    const a = text('user a@b.co from 1.2.3.4', { mode: 'hash', hash_secret: secret });
    expect(a).toMatch(/^user \[email:[0-9a-f]{16}\] from \[ip:[0-9a-f]{16}\]$/);
    expect(text('user a@b.co from 1.2.3.4', { mode: 'hash', hash_secret: secret })).toBe(a);
    expect(text('user a@b.co from 1.2.3.4', { mode: 'hash', hash_secret: `${secret}x` })).not.toBe(a);
  });

  it('validates options', () => {
    const msg = (options: unknown) => {
      try {
        redact(options, { where });
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(msg({ detectors: ['email', 'ssn'] })).toBe(
      'p.yaml:6: processor 3 (redact): "detectors" must be a list of url_credentials, authorization, jwt, secret_kv, email, ipv6, ipv4, credit_card, got ["email","ssn"]',
    );
    expect(msg({ mode: 'hash' })).toBe(
      'p.yaml:6: processor 3 (redact): "hash_secret" must be at least 16 characters when mode is "hash"',
    );
    expect(msg({ mode: 'erase' })).toBe(
      'p.yaml:6: processor 3 (redact): "mode" must be one of "mask", "hash", got "erase"',
    );
    expect(msg({ hash_secret: 'x' })).toBe(
      'p.yaml:6: processor 3 (redact): "hash_secret" is only used with mode "hash"',
    );
  });
});

describe('redact: properties', () => {
  // Surrounding text without digits, hex letters or address punctuation.
  const filler = fc.stringMatching(/^[g-zG-Z ,;!?()_]{0,20}$/);

  it('no digit of a Luhn-valid card survives, however it is grouped', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 18, maxLength: 18 }),
        fc.integer({ min: 13, max: 19 }),
        fc.constantFrom('', ' ', '-'),
        filler,
        filler,
        (first, body, length, sep, before, after) => {
          const number = card(first, body, length);
          expect(isCardNumber(number)).toBe(true);
          const grouped = sep === '' ? number : (number.match(/.{1,4}/g) as string[]).join(sep);
          const out = text(`${before} ${grouped} ${after}`, { detectors: ['credit_card'] });
          expect(out).not.toMatch(/\d/);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('numbers that fail Luhn survive unchanged (order ids)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{12,18}$/), (digits) => {
        fc.pre(!luhnValid(digits));
        expect(text(`order ${digits} ok`, { detectors: ['credit_card'] })).toBe(`order ${digits} ok`);
      }),
    );
  });

  it('no digit of an IPv4 address survives', () => {
    fc.assert(
      fc.property(fc.ipV4(), filler, filler, (ip, before, after) => {
        expect(text(`${before} ${ip} ${after}`)).not.toMatch(/\d/);
      }),
      { numRuns: 300 },
    );
  });

  it('every IPv6 address is replaced whole', () => {
    fc.assert(
      fc.property(fc.ipV6(), filler, filler, (ip, before, after) => {
        expect(text(`${before} ${ip} ${after}`)).toBe(`${before} [REDACTED:ip] ${after}`);
      }),
      { numRuns: 300 },
    );
  });

  it('every e-mail address is replaced whole', () => {
    const email = fc.emailAddress().filter((e) => /^[A-Za-z0-9._%+-]+@/.test(e));
    fc.assert(
      fc.property(email, filler, filler, (address, before, after) => {
        expect(text(`${before} ${address} ${after}`, { detectors: ['email'] })).toBe(
          `${before} [REDACTED:email] ${after}`,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('stays linear on pathological input (256 KiB lines)', () => {
    const p = redact({}, { where });
    const n = 1 << 18;
    for (const line of [
      'a'.repeat(n),
      '1 '.repeat(n / 2),
      '1'.repeat(n),
      'f'.repeat(n),
      'a@'.repeat(n / 2),
      'a:'.repeat(n / 2),
      'password'.repeat(n / 8),
    ]) {
      const started = performance.now();
      p.apply({ message: line });
      // Quadratic behaviour would take minutes here; linear takes milliseconds.
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });
});
