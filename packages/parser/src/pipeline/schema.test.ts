import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigError } from '@sluice/core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { METRIC_KEYS, validateMetrics } from '../log-metrics/config.js';
import { parsePipelineText } from './load.js';
import { pipelineJsonSchema } from './schema.js';

const PIPELINES = join(dirname(fileURLToPath(import.meta.url)), '../../../../deploy/pipelines');

describe('pipeline file schema', () => {
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(pipelineJsonSchema());

  it("deploy/pipelines' files are valid for the published JSON Schema", async () => {
    const files = (await readdir(PIPELINES)).filter((f) => /\.ya?ml$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const valid = validate(parse(await readFile(join(PIPELINES, file), 'utf8')));
      expect({ file, errors: validate.errors ?? [] }).toEqual({ file, errors: [] });
      expect(valid).toBe(true);
    }
  });

  it('rejects a misspelt key and a processor nobody registered', () => {
    expect(validate({ procesors: [] })).toBe(false);
    expect(validate({ processors: [{ grock: {} }] })).toBe(false);
    expect(
      validate({ processors: [{ grok: { patterns: ['%{IP:ip}'] }, if: { field: 'a', equals: 'b' } }] }),
    ).toBe(true);
  });

  it('declares every key the metrics section reads', () => {
    const metric = (
      pipelineJsonSchema() as { anyOf: { properties: { metrics: { items: { properties: object } } } }[] }
    ).anyOf[0]?.properties.metrics.items.properties;
    expect(Object.keys(metric ?? {})).toEqual(METRIC_KEYS);
  });

  it('a misspelt top-level key: file:line and a "did you mean"', () => {
    const error = (() => {
      try {
        parsePipelineText('description: x\nprocesors: []\n', 'p.yaml');
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error?.message).toMatch(/^p\.yaml:2: unknown key "procesors"; valid top-level keys: /);
    expect(error?.hint).toBe('did you mean processors?');
  });

  it('a misspelt metric key: file:line and a "did you mean"', () => {
    const file = parsePipelineText(
      'processors: []\nmetrics:\n  - { name: a_total, type: counter, max_serie: 3 }\n',
      'p.yaml',
    );
    const { errors } = validateMetrics(file.metricSpecs, file.metricWhere);
    expect(errors[0]?.message).toMatch(
      /^p\.yaml:3: metric 1 \(a_total\): unknown key "max_serie"; valid keys: /,
    );
    expect(errors[0]?.hint).toBe('did you mean max_series?');
  });
});
