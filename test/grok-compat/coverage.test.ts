import { existsSync } from 'node:fs';
import { definitionsOf, LOGSTASH_PATTERN_FILES, patternFiles } from '@sluice/parser';
import { describe, expect, test } from 'vitest';
import type { GrokCaseFile } from './case.js';

/**
 * Every pattern of every standard file has at least one case in each naming mode that
 * defines it, in the case file named after the Logstash file. A pattern with no case would
 * be a behaviour nobody checks against Logstash's; the few left out are listed here with
 * the reason.
 */
const EXEMPT: Readonly<Record<string, string>> = {
  // nagios: fixed words, the same text in both modes; every one of them is exercised by the
  // NAGIOSLOGLINE and NAGIOS_* line cases.
  ...Object.fromEntries(
    [
      'CURRENT_SERVICE_STATE',
      'CURRENT_HOST_STATE',
      'SERVICE_NOTIFICATION',
      'HOST_NOTIFICATION',
      'SERVICE_ALERT',
      'HOST_ALERT',
      'SERVICE_FLAPPING_ALERT',
      'HOST_FLAPPING_ALERT',
      'SERVICE_DOWNTIME_ALERT',
      'HOST_DOWNTIME_ALERT',
      'PASSIVE_SERVICE_CHECK',
      'PASSIVE_HOST_CHECK',
      'SERVICE_EVENT_HANDLER',
      'HOST_EVENT_HANDLER',
      'EXTERNAL_COMMAND',
      'TIMEPERIOD_TRANSITION',
    ].map((t) => [`NAGIOS_TYPE_${t}`, 'literal line type, covered by the NAGIOS_* line cases']),
  ),
  ...Object.fromEntries(
    [
      'DISABLE_SVC_CHECK',
      'ENABLE_SVC_CHECK',
      'DISABLE_HOST_CHECK',
      'ENABLE_HOST_CHECK',
      'PROCESS_SERVICE_CHECK_RESULT',
      'PROCESS_HOST_CHECK_RESULT',
      'SCHEDULE_HOST_DOWNTIME',
      'DISABLE_HOST_SVC_NOTIFICATIONS',
      'ENABLE_HOST_SVC_NOTIFICATIONS',
      'DISABLE_HOST_NOTIFICATIONS',
      'ENABLE_HOST_NOTIFICATIONS',
      'DISABLE_SVC_NOTIFICATIONS',
      'ENABLE_SVC_NOTIFICATIONS',
    ].map((c) => [`NAGIOS_EC_${c}`, 'literal command name, covered by the NAGIOS_EC_LINE_* cases']),
  ),
  NAGIOS_EC_SCHEDULE_SERVICE_DOWNTIME: 'literal command name; Logstash defines no line pattern that uses it',
};

const standardFiles = patternFiles.filter((f) => LOGSTASH_PATTERN_FILES.includes(f.name));
const caseDir = new URL('./cases/', import.meta.url);

describe('every pattern of the standard library has compatibility cases in each mode', () => {
  test('the library has standard files', () => {
    expect(standardFiles.map((f) => f.name)).toContain('grok-patterns');
  });
  test.each(standardFiles.map((f) => [f.name, f] as const))('%s', async (name, file) => {
    const path = new URL(`${name}.ts`, caseDir);
    expect(existsSync(path), `test/grok-compat/cases/${name}.ts is missing`).toBe(true);
    const { cases } = (await import(path.href)).default as GrokCaseFile;
    const missing: string[] = [];
    for (const [key, mode] of [
      ['ecs', 'v1'],
      ['legacy', 'disabled'],
    ] as const) {
      for (const pattern of Object.keys(definitionsOf(file, mode))) {
        if (EXEMPT[pattern] !== undefined) continue;
        if (!cases.some((c) => c.pattern === pattern && c[key] !== undefined))
          missing.push(`${pattern} (${key})`);
      }
    }
    expect(missing, `patterns of ${name} without a case`).toEqual([]);
  });
  test('exemptions name real patterns', () => {
    const defined = new Set(
      standardFiles.flatMap((f) => [
        ...Object.keys(definitionsOf(f, 'v1')),
        ...Object.keys(definitionsOf(f, 'disabled')),
      ]),
    );
    expect(Object.keys(EXEMPT).filter((name) => !defined.has(name))).toEqual([]);
  });
});
