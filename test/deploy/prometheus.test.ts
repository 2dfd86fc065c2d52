import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployDir, KNOWN_METRICS, promqlMetricNames, yamlDocument } from './support.js';

interface Rule {
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const rules = (
  yamlDocument('prometheus/rules.yaml') as { groups: { name: string; rules: Rule[] }[] }
).groups.flatMap((g) => g.rules);

describe('Prometheus alert rules', () => {
  it('cover lag growing, stalled consumers, dead letters, parse failures and 5xx surges', () => {
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'SluiceConsumerLagGrowing',
        'SluiceConsumerStalled',
        'SluiceDeadLetters',
        'SluiceParseFailureRatio',
        'SluiceHttp5xxSurge',
      ]),
    );
  });

  for (const rule of rules) {
    it(`${rule.alert}: parses, names only metrics Sluice exports, and says what to do`, () => {
      const names = promqlMetricNames(rule.expr);
      expect(names.length).toBeGreaterThan(0);
      expect(names.filter((n) => !KNOWN_METRICS.has(n))).toEqual([]);
      expect(rule.for).toMatch(/^\d+[smh]$/);
      expect(['warning', 'critical']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary).toBeTruthy();
      expect(rule.annotations?.description).toBeTruthy();
      expect(rule.annotations?.runbook).toMatch(/^deploy\/README\.md#alerts/);
    });
  }

  it('prometheus.yml loads the rules and scrapes the shipper and consumer', () => {
    const config = yamlDocument('prometheus/prometheus.yml') as {
      rule_files: string[];
      scrape_configs: { job_name: string }[];
    };
    expect(config.rule_files).toEqual(['rules.yaml']);
    expect(config.scrape_configs.map((s) => s.job_name)).toEqual(
      expect.arrayContaining(['sluice-shipper', 'sluice-consumer']),
    );
  });
});

// promtool is Prometheus' own checker (Debian package `prometheus`; deploy/check.sh installs it).
// Where it is installed these run it; where it is not they are reported as skipped, not passed.
const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!promtool)('promtool', () => {
  const run = (...args: string[]) => {
    const r = spawnSync('promtool', args, { cwd: join(deployDir, 'prometheus'), encoding: 'utf8' });
    return { code: r.status, output: `${r.stdout}${r.stderr}` };
  };

  it('check config accepts prometheus.yml and the rules it loads', () => {
    const r = run('check', 'config', 'prometheus.yml');
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('the rule unit tests in rules.test.yaml pass (each alert fires when it should and only then)', () => {
    const r = run('test', 'rules', 'rules.test.yaml');
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });
});
