import { describe, expect, it } from 'vitest';
import { parseStructuredData, syslogSd } from './syslog-sd.js';

const where = 'p.yaml:3: processor 1 (syslog_sd)';
const run = (options: unknown, event: Record<string, unknown>) =>
  syslogSd(options, { where }).apply(event as never);

describe('syslog_sd', () => {
  it('parses several elements into one object per SD-ID (the RFC 5424 example)', () => {
    const sd =
      '[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]';
    expect(run({}, { log: { syslog: { structured_data: sd } } })).toEqual({
      log: {
        syslog: {
          structured_data: {
            'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' },
            'examplePriority@32473': { class: 'high' },
          },
        },
      },
    });
  });

  it('unescapes \\" \\\\ and \\], keeps other backslashes, merges a repeated SD-ID', () => {
    expect(
      parseStructuredData(String.raw`[a x="say \"hi\"" y="C:\\dir" z="[1\]" w="\n"][b][a v=""]`),
    ).toEqual({
      a: { x: 'say "hi"', y: 'C:\\dir', z: '[1]', w: '\\n', v: '' },
      b: {},
    });
  });

  it('keeps an SD-ID or parameter named __proto__ as data', () => {
    const parsed = parseStructuredData('[__proto__ polluted="yes"][a __proto__="x"]') as Record<
      string,
      unknown
    >;
    expect(Object.keys(parsed)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(parsed)).toBe('{"__proto__":{"polluted":"yes"},"a":{"__proto__":"x"}}');
  });

  it('writes to a target and tags text that is not structured data', () => {
    expect(run({ field: 'sd', target: 'parsed' }, { sd: '[id k="v"]' })).toEqual({
      sd: '[id k="v"]',
      parsed: { id: { k: 'v' } },
    });
    for (const bad of [
      '',
      '[]',
      '[id k=v]',
      '[id k="v"',
      'id k="v"]',
      '[id k="v"] trailing',
      '[id  k="v"]',
    ]) {
      expect(run({ field: 'sd' }, { sd: bad }), bad).toEqual({ sd: bad, tags: ['_syslogsdparsefailure'] });
    }
  });
});
