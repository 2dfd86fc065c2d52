import { ConfigError } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { syslogPri } from './syslog-pri.js';

const where = 'p.yaml:3: processor 1 (syslog_pri)';
const run = (options: unknown, event: Record<string, unknown>) =>
  syslogPri(options, { where }).apply(event as never);

describe('syslog_pri', () => {
  it('splits the PRI into facility and severity, with Logstash labels by default', () => {
    expect(run({}, { log: { syslog: { priority: 13 } } })).toEqual({
      log: {
        syslog: {
          priority: 13,
          facility: { code: 1, name: 'user-level' },
          severity: { code: 5, name: 'notice' },
        },
      },
    });
    // 165 = local4 (20) * 8 + notice (5); a string of digits counts too.
    expect(run({ field: 'pri', use_labels: false }, { pri: '165' })).toEqual({
      pri: '165',
      log: { syslog: { facility: { code: 20 }, severity: { code: 5 } } },
    });
  });

  it('takes other labels, and leaves events without a valid PRI alone', () => {
    const severities = [
      'Emergency',
      'Alert',
      'Critical',
      'Error',
      'Warning',
      'Notice',
      'Informational',
      'Debug',
    ];
    expect(
      run({ severity_labels: severities, use_labels: true }, { log: { syslog: { priority: 0 } } }),
    ).toEqual({
      log: {
        syslog: {
          priority: 0,
          facility: { code: 0, name: 'kernel' },
          severity: { code: 0, name: 'Emergency' },
        },
      },
    });
    expect(run({}, { message: 'x' })).toEqual({ message: 'x' });
    expect(run({}, { log: { syslog: { priority: 192 } } })).toEqual({ log: { syslog: { priority: 192 } } });
    expect(run({}, { log: { syslog: { priority: 'abc' } } })).toEqual({
      log: { syslog: { priority: 'abc' } },
    });
  });

  it('rejects a label list of the wrong length, naming the option', () => {
    expect(() => run({ severity_labels: ['a'] }, {})).toThrow(ConfigError);
    expect(() => run({ severity_labels: ['a'] }, {})).toThrow(
      `${where}: "severity_labels" must be a list of 8 names, one per code, got ["a"]`,
    );
  });
});
