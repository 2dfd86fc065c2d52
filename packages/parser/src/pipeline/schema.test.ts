import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigError } from '@sluice/core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { METRIC_KEYS, validateMetrics } from '../log-metrics/config.js';
import { knownProcessors, processorRegistry } from '../processors/registry.js';
import { type ProcessorSpec, validatePipeline } from './compile.js';
import { metricsOf, parsePipelineText } from './load.js';
import { pipelineFileSchema, pipelineJsonSchema } from './schema.js';

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

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Every pipeline file kept in the repo: deploy/pipelines, the Kubernetes ConfigMap's, the READMEs' examples. */
async function repoPipelines(): Promise<{ readonly name: string; readonly text: string }[]> {
  const files = (await readdir(PIPELINES))
    .filter((f) => /\.ya?ml$/.test(f))
    .map(async (f) => ({ name: `deploy/pipelines/${f}`, text: await readFile(join(PIPELINES, f), 'utf8') }));
  const configMap = parse(await readFile(join(ROOT, 'deploy/k8s/pipeline-configmap.yaml'), 'utf8')) as {
    data: Record<string, string>;
  };
  const readmes = ['README.md', 'packages/parser/README.md', 'packages/parser/src/log-metrics/README.md'].map(
    async (readme) =>
      [...(await readFile(join(ROOT, readme), 'utf8')).matchAll(/```yaml\n([\s\S]*?)```/g)]
        .map((m) => m[1] as string)
        .filter((y) => /^processors:/m.test(y))
        .map((text, i) => ({ name: `${readme} example ${i + 1}`, text })),
  );
  return [
    ...(await Promise.all(files)),
    ...Object.entries(configMap.data)
      .filter(([key]) => key.endsWith('.yaml'))
      .map(([key, text]) => ({ name: `deploy/k8s/pipeline-configmap.yaml ${key}`, text })),
    ...(await Promise.all(readmes)).flat(),
  ];
}

describe('the published pipeline schema and the reader agree', () => {
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(pipelineJsonSchema());

  it("every pipeline file in the repo is valid for `sluice schema pipeline`'s JSON Schema, the declared schema and the reader", async () => {
    const pipelines = await repoPipelines();
    expect(pipelines.length).toBeGreaterThanOrEqual(5);
    for (const { name, text } of pipelines) {
      const doc = parse(text) as unknown;
      validate(doc);
      expect({ name, errors: validate.errors ?? [] }).toEqual({ name, errors: [] });
      expect({ name, issues: pipelineFileSchema().safeParse(doc).error?.issues ?? [] }).toEqual({
        name,
        issues: [],
      });
      expect({ name, errors: metricsOf(parsePipelineText(text, 'p.yaml')).errors }).toEqual({
        name,
        errors: [],
      });
    }
  });

  it("publishes each processor's option keys (the list its OptionReader accepts)", () => {
    expect(knownProcessors().filter((name) => processorRegistry[name]?.options === undefined)).toEqual([]);
    expect(validate({ processors: [{ grok: { patern: ['%{IP:ip}'] } }] })).toBe(false);
    expect(validate({ processors: [{ date: { field: 'ts', formats: ['ISO8601'], timezone: 'UTC' } }] })).toBe(
      true,
    );
    expect(validate({ processors: [{ drop: null }, { drop: { field: 'x' } }] })).toBe(false);
    expect(
      validate({ processors: [{ drop: null }, { mutate: [{ rename: { a: 'b' } }, { remove: ['c'] }] }] }),
    ).toBe(true);
    // The reader agrees on the same cases.
    const errors = (doc: unknown) =>
      validatePipeline((doc as { processors: ProcessorSpec[] }).processors).errors;
    expect(errors({ processors: [{ grok: { patern: ['%{IP:ip}'] } }] })).toHaveLength(1);
    expect(
      errors({ processors: [{ drop: null }, { mutate: [{ rename: { a: 'b' } }, { remove: ['c'] }] }] }),
    ).toEqual([]);
  });

  // Broken files, each refused by all three, in YAML and in JSON.
  const broken: readonly [unknown, string][] = [
    [{ procesors: [] }, 'unknown key "procesors"'],
    [{ processors: 3 }, '"processors" must be a list of steps'],
    [{ description: 3, processors: [] }, '"description" must be text'],
    [{ processors: [], ecs_compatibility: 'v2' }, '"ecs_compatibility" must be one of'],
    [{ processors: [], pattern_definitions: { 'a-b': 'x' } }, '"pattern_definitions" must map'],
    [{ processors: [], patterns_dir: [] }, '"patterns_dir" must be a directory path'],
    [{ processors: [], metrics: { name: 'a_total' } }, '"metrics" must be a list'],
    [
      { processors: [], metrics: [{ name: 'a_total', type: 'gauge' }] },
      '"type" must be counter or histogram',
    ],
    [{ processors: [], metrics: [{ name: 'a_total', type: 'counter', lables: {} }] }, 'unknown key "lables"'],
    [
      { processors: [], metrics: [{ name: 'x_seconds', type: 'histogram', field: 'x', buckets: [] }] },
      '"buckets" must be a list',
    ],
    ['processors', 'a pipeline file must be a mapping'],
  ];

  it.each(broken)('refuses %j: %s', (doc, message) => {
    expect(validate(doc)).toBe(false);
    expect(pipelineFileSchema().safeParse(doc).success).toBe(false);
    for (const [file, text] of [
      ['p.yaml', stringify(doc)],
      ['p.json', JSON.stringify(doc, null, 2)],
    ] as const) {
      let errors: readonly Error[];
      try {
        errors = metricsOf(parsePipelineText(text, file)).errors;
      } catch (error) {
        errors = [error as Error];
      }
      expect(errors[0]?.message).toMatch(
        new RegExp(`^${file.replace('.', '\\.')}:\\d+(:\\d+)?: .*${escapeRegExp(message)}`),
      );
    }
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
