import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { serialize } from 'node:v8';
import { getField, type JsonObject, type JsonValue, setField } from '@sluice/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseUapYaml, userAgent, userAgentFields } from './user-agent.js';

const where = 'p.yaml:1: processor 1 (user_agent)';
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
const MAC_FIREFOX = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.12; rv:49.0) Gecko/20100101 Firefox/49.0';

describe('user_agent (uap-core data, Elasticsearch field rules)', () => {
  it('writes ECS fields from the original string', () => {
    const p = userAgent({}, { where });
    expect(p.apply({ user_agent: { original: CHROME } })).toEqual({
      user_agent: {
        original: CHROME,
        name: 'Chrome',
        version: '120.0.6099.109',
        os: { name: 'Windows', version: '10', full: 'Windows 10' },
        device: { name: 'Other' },
      },
    });
    expect(p.apply({ user_agent: { original: IPHONE } })).toMatchObject({
      user_agent: {
        name: 'Mobile Safari',
        version: '17.1',
        os: { name: 'iOS', version: '17.1', full: 'iOS 17.1' },
        device: { name: 'iPhone' },
      },
    });
  });

  it('writes one-byte strings, so the event it lands in serialises as one-byte text', () => {
    // V8's serializer tags a one-byte string `"` and a two-byte one `c`: a two-byte value
    // makes JSON.stringify of the whole event two-byte, and its UTF-8 write slower.
    const oneByte = (value: string) => serialize(value)[2] === 0x22;
    expect(oneByte('Chrome') && !oneByte('Chrome\u0100')).toBe(true);
    const p = userAgent({}, { where });
    for (const agent of [CHROME, IPHONE, MAC_FIREFOX, 'Googlebot/2.1 (+http://www.google.com/bot.html)']) {
      const event = p.apply({ user_agent: { original: agent } }) as JsonObject;
      const strings: string[] = [];
      const walk = (v: JsonValue | undefined): void => {
        if (typeof v === 'string') strings.push(v);
        else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) walk(x);
      };
      walk(event);
      for (const s of strings) expect(oneByte(s), s).toBe(true);
      expect(oneByte(JSON.stringify(event))).toBe(true);
    }
  });

  it('names as Elasticsearch does: Mac OS X and device Mac, Firefox Alpha, bots as Spider', () => {
    const p = userAgent({}, { where });
    expect(p.apply({ user_agent: { original: MAC_FIREFOX } })).toMatchObject({
      user_agent: {
        name: 'Firefox',
        version: '49.0',
        os: { name: 'Mac OS X', version: '10.12', full: 'Mac OS X 10.12' },
        device: { name: 'Mac' },
      },
    });
    expect(
      p.apply({
        user_agent: { original: 'Mozilla/5.0 (Windows NT 6.1; rv:15.0) Gecko/20120716 Firefox/15.0a2' },
      }),
    ).toMatchObject({ user_agent: { name: 'Firefox Alpha', version: '15.0.a2', os: { full: 'Windows 7' } } });
    expect(
      p.apply({
        user_agent: { original: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' },
      }),
    ).toMatchObject({ user_agent: { name: 'Googlebot', version: '2.1', device: { name: 'Spider' } } });
  });

  it('an OS without a version has no os.full; unknown agents and "-" are "Other"', () => {
    const p = userAgent({ field: 'ua', target: 'agent', cache_size: 1 }, { where });
    const linux = p.apply({ ua: 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0' });
    expect(linux).toMatchObject({ agent: { name: 'Firefox', version: '121.0', os: { name: 'Linux' } } });
    expect((linux as { agent: { os: object } }).agent.os).toEqual({ name: 'Linux' });
    expect(p.apply({ ua: 'Amazon CloudFront' })).toEqual({
      ua: 'Amazon CloudFront',
      agent: { name: 'Other', device: { name: 'Other' } },
    });
    expect(p.apply({ ua: '-' })).toEqual({ ua: '-', agent: { name: 'Other', device: { name: 'Other' } } });
  });

  it('leaves empty and missing fields alone, caches consistently, validates options', () => {
    const p = userAgent({ cache_size: 1 }, { where });
    expect(p.apply({ user_agent: { original: '' } })).toEqual({ user_agent: { original: '' } });
    expect(p.apply({})).toEqual({});
    const a = p.apply({ user_agent: { original: CHROME } });
    p.apply({ user_agent: { original: IPHONE } });
    expect(p.apply({ user_agent: { original: CHROME } })).toEqual(a);
    expect(() => userAgent({ cache_size: -1 }, { where })).toThrow(
      '"cache_size" must be a number between 0 and 1000000, got -1',
    );
  });

  it('a cache hit writes what a miss does, into objects of its own event', () => {
    const cached = userAgent({}, { where });
    const uncached = userAgent({ cache_size: 0 }, { where });
    for (const ua of [CHROME, IPHONE, MAC_FIREFOX, '-', 'curl/8.5.0']) {
      const miss = uncached.apply({ user_agent: { original: ua }, a: 1 });
      const first = cached.apply({ user_agent: { original: ua }, a: 1 }) as Record<string, unknown>;
      const hit = cached.apply({ user_agent: { original: ua }, a: 1 }) as Record<string, unknown>;
      expect(JSON.stringify(first)).toBe(JSON.stringify(miss));
      expect(JSON.stringify(hit)).toBe(JSON.stringify(miss));
      // Changing one event's parsed fields leaves the next event from the cache as it was.
      const agent = first.user_agent as Record<string, Record<string, unknown>>;
      expect(agent.device).not.toBe((hit.user_agent as Record<string, unknown>).device);
      (agent.device as Record<string, unknown>).name = 'changed';
      expect(JSON.stringify(cached.apply({ user_agent: { original: ua }, a: 1 }))).toBe(JSON.stringify(miss));
    }
  });

  it("reads uap-core's regexes.yaml by its layout exactly as the YAML parser does", () => {
    const text = readFileSync(createRequire(import.meta.url).resolve('uap-core/regexes.yaml'), 'utf8');
    const fast = parseUapYaml(text);
    expect(fast).toBeDefined();
    expect(fast).toEqual(parseYaml(text));
    const sample = [
      '# comment',
      'user_agent_parsers:',
      "  - regex: 'it''s (a) #test'",
      '    family_replacement: \'$1 "quoted"\'',
      '',
      'os_parsers:',
      "  - regex: 'x'   ",
    ].join('\n');
    expect(parseUapYaml(sample)).toEqual(parseYaml(sample));
  });

  it('gives up, for the YAML parser, on anything outside that layout', () => {
    for (const text of [
      'user_agent_parsers:\n  - regex: "double quoted"',
      'user_agent_parsers:\n  - regex: plain',
      "user_agent_parsers:\n  - regex: 'a'\n    regex: 'b'",
      "user_agent_parsers:\n  - regex: 'a'\n      deeper: 'b'",
      "  - regex: 'before any section'",
      "__proto__:\n  - regex: 'a'",
      "user_agent_parsers:\n  - regex: 'a' # trailing comment",
    ])
      expect(parseUapYaml(text), text).toBeUndefined();
  });

  it('writes exactly what setField of each field gave, whatever the target held, through cache hits and evictions', () => {
    // The fields as toEcs orders them; a fresh processor parses each UA on an empty event.
    const FIELDS = ['name', 'version', 'os.name', 'os.version', 'os.full', 'device.name'];
    const reference = userAgent({ cache_size: 0 }, { where });
    const agents = [
      CHROME,
      IPHONE,
      MAC_FIREFOX,
      '-',
      'x',
      `${CHROME} `,
      ` ${CHROME}`,
      CHROME.replace('1', '2'),
    ];
    const before = fc.constantFrom<JsonValue | undefined>(
      undefined,
      'text',
      null,
      ['list'],
      { os: 'Linux' },
      { os: { name: 'old', extra: 1 }, device: [] },
      { name: 'old', version: null },
    );
    for (const [target, cacheSize] of [
      ['user_agent', 10_000],
      ['user_agent', 1],
      ['a.__proto__', 2],
    ] as const) {
      const p = userAgent({ field: 'ua', target, cache_size: cacheSize }, { where });
      fc.assert(
        fc.property(fc.constantFrom(...agents), before, (ua, existing) => {
          const event: JsonObject = { ua };
          if (existing !== undefined) setField(event, target, structuredClone(existing));
          const expected = structuredClone(event);
          const fields = reference.apply({ user_agent: { original: ua } }) as JsonObject;
          for (const field of FIELDS) {
            const value = getField(fields, `user_agent.${field}`);
            if (value !== undefined) setField(expected, `${target}.${field}`, value);
          }
          expect(JSON.stringify(p.apply(event))).toBe(JSON.stringify(expected));
        }),
        { numRuns: 300 },
      );
    }
  });

  it('gives with the literal prefilter exactly what trying every rule gives', () => {
    // The fixtures' agents, typical ones, odd ones, and for each uap-core rule strings its
    // regex matches (fast-check's generator, without `\b`, whose samples the regex may not
    // match), alone and inside typical agents: every rule gets to be the first match, or to
    // be skipped before a later one.
    const agents = new Set<string>([
      CHROME,
      IPHONE,
      MAC_FIREFOX,
      '-',
      'x',
      'curl/8.5.0',
      'MOZILLA/5.0 (LINUX; ANDROID 13)',
    ]);
    const fixtures = new URL('../modules/fixtures/', import.meta.url);
    for (const name of readdirSync(fixtures)) {
      const { cases } = JSON.parse(readFileSync(new URL(name, fixtures), 'utf8')) as {
        cases: { expected?: JsonObject }[];
      };
      for (const c of cases) {
        const ua = c.expected && getField(c.expected, 'user_agent.original');
        if (typeof ua === 'string') agents.add(ua);
      }
    }
    const text = readFileSync(createRequire(import.meta.url).resolve('uap-core/regexes.yaml'), 'utf8');
    for (const list of Object.values(parseUapYaml(text) ?? {}))
      for (const [n, rule] of list.entries()) {
        let samples: string[] = [];
        try {
          samples = fc.sample(fc.stringMatching(new RegExp((rule.regex as string).replaceAll('\\b', ''))), {
            numRuns: 1,
            seed: n,
          });
        } catch {}
        for (const sample of samples) {
          agents.add(sample);
          agents.add(
            `Mozilla/5.0 (Linux; Android 13; ${sample}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36`,
          );
          agents.add(`${sample.toUpperCase()} ${IPHONE}`);
        }
      }
    expect(agents.size).toBeGreaterThan(3000);
    let named = 0;
    for (const ua of agents) {
      const fast = userAgentFields(ua);
      expect(fast, ua).toEqual(userAgentFields(ua, false));
      if (fast.name !== 'Other') named++;
    }
    // Most of them are recognised: the comparison is not between two "Other"s.
    expect(named / agents.size).toBeGreaterThan(0.5);
  });
});
