import { describe, expect, it } from 'vitest';
import { userAgent } from './user-agent.js';

const where = 'p.yaml:1: processor 1 (user_agent)';
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';

describe('user_agent', () => {
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
        os: { name: 'iOS', version: '17.1' },
        device: { name: 'Apple iPhone' },
      },
    });
  });

  it('leaves unknown agents mostly empty, ignores "-" and missing fields, and caches consistently', () => {
    const p = userAgent({ field: 'ua', target: 'agent', cache_size: 1 }, { where });
    expect(p.apply({ ua: 'curl/8.4.0' })).toMatchObject({ agent: { device: { name: 'Other' } } });
    expect(p.apply({ ua: '-' })).toEqual({ ua: '-' });
    expect(p.apply({})).toEqual({});
    const a = p.apply({ ua: CHROME });
    const b = p.apply({ ua: CHROME });
    expect(b).toEqual(a);
    expect(() => userAgent({ cache_size: -1 }, { where })).toThrow(
      '"cache_size" must be a number between 0 and 1000000, got -1',
    );
  });
});
