import { describe, expect, it } from 'vitest';
import { syslogSd } from './syslog-sd.js';

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

  it('writes to a target and tags text that is not structured data', () => {
    expect(run({ field: 'sd', target: 'parsed' }, { sd: '[id k="v"]' })).toEqual({
      sd: '[id k="v"]',
      parsed: { id: { k: 'v' } },
    });
    // What is malformed is core's parseStructuredData's test; here: the text stays, tagged.
    for (const bad of ['[id k=v]', '[id k="v"] trailing']) {
      expect(run({ field: 'sd' }, { sd: bad }), bad).toEqual({ sd: bad, tags: ['_syslogsdparsefailure'] });
    }
  });
});
