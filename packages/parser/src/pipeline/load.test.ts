import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@sluice/core';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveModule } from '../modules/index.js';
import {
  checkPipelineFile,
  compilePipelineFile,
  loadPipelineFile,
  metricsOf,
  parsePipelineText,
} from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const error = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  return 'no error';
};

const GOOD = `# an nginx-ish pipeline
description: test
pattern_definitions:
  REQID: "[A-Z]{3}-\\\\d+"
processors:
  - grok:
      patterns: ["%{IPORHOST:source.address} %{REQID:req} %{GREEDYDATA:rest}"]
  - date: { field: ts, formats: ["ISO8601"] }
  - drop: {}
    if: { field: rest, matches: "^/health" }
`;

describe('pipeline files', () => {
  it('loads YAML with line numbers per step and compiles with inline pattern definitions', async () => {
    const path = write('good.yaml', GOOD);
    const file = await loadPipelineFile(path);
    expect(file.specs).toHaveLength(3);
    expect(file.description).toBe('test');
    expect([0, 1, 2].map(file.where)).toEqual([`${path}:6`, `${path}:8`, `${path}:9`]);
    const run = await compilePipelineFile(path);
    expect(run({ message: '10.0.0.1 ABC-12 /x', ts: '2024-01-01T00:00:00Z' })).toMatchObject({
      source: { address: '10.0.0.1' },
      req: 'ABC-12',
      rest: '/x',
      '@timestamp': '2024-01-01T00:00:00.000Z',
    });
    expect(run({ message: '10.0.0.1 ABC-12 /healthz' })).toBeNull();
  });

  it('reads patterns_dir relative to the file', async () => {
    mkdirSync(join(dir, 'patterns'), { recursive: true });
    write('patterns/app', 'APPID app-\\d+\n');
    const path = write(
      'dir.yaml',
      'patterns_dir: ./patterns\nprocessors:\n  - grok: { patterns: ["%{APPID:id}"] }\n',
    );
    expect((await compilePipelineFile(path))({ message: 'app-7' })).toMatchObject({ id: 'app-7' });
  });

  it('accepts JSON and a bare list', async () => {
    const path = write(
      'p.json',
      '{\n  "processors": [\n    {"json": {}},\n    {"mutate": {"rename": {"a": "b"}}}\n  ]\n}\n',
    );
    const file = await loadPipelineFile(path);
    expect([0, 1].map(file.where)).toEqual([`${path}:3`, `${path}:4`]);
    expect((await compilePipelineFile(path))({ message: '{"a":1}' })).toEqual({ message: '{"a":1}', b: 1 });
    expect(parsePipelineText('- drop: {}\n', 'list.yaml').specs).toEqual([{ drop: {} }]);
  });

  it('names file, line and processor in errors', async () => {
    const bad = write(
      'bad.yaml',
      'processors:\n  - grok: { patterns: ["%{WORD:w}"] }\n\n  - date:\n      field: ts\n      formats: abc\n  - nope: {}\n',
    );
    await expect(compilePipelineFile(bad)).rejects.toThrow(
      `${bad}:6:7: processor 2 (date): "formats" must be a non-empty list of date formats, got "abc"`,
    );
    const checked = await checkPipelineFile(bad);
    expect(checked.steps).toBe(1);
    expect(checked.errors.map((e) => e.message)).toEqual([
      `${bad}:6:7: processor 2 (date): "formats" must be a non-empty list of date formats, got "abc"`,
      `${bad}:7: processor 3 (nope): unknown processor "nope"; known processors: client_ip, date, dissect, drop, fingerprint, geoip, grok, json, kv, mutate, redact, syslog_pri, syslog_sd, uri_parts, user_agent`,
    ]);
  });

  it('points an option error at the line and column of the option, or of the list item at fault', async () => {
    const path = write(
      'options.yaml',
      [
        'processors:',
        '  - grok:',
        '      patterns:',
        '        - "%{WORD:w}"',
        '        - "%{NOPE:x} %{WORD}"',
        '  - date: { field: ts, format: [x] }',
        '  - redact: { mode: hash, hash_secret: 12345678901234567890 }',
        '  - drop: {}',
        '    if: { all: [{ exists: a }, { field: b, matches: "[" }] }',
        '  - date:',
        '      match: [ts, "ISO8601", "yyyy-MM-dd QQQ"]',
        '  - grok: {}',
        '  - module: nginx.access',
        '',
      ].join('\n'),
    );
    const { errors } = await checkPipelineFile(path, { resolveModule });
    expect(errors.map((e) => e.message.split(': ').slice(0, 3).join(': '))).toEqual([
      `${path}:5:11: processor 1 (grok): unknown grok pattern %{NOPE} in "%{NOPE:x} %{WORD}"`,
      `${path}:6:24: processor 2 (date): unknown option "format"; valid options`,
      `${path}:7:27: processor 3 (redact): "hash_secret" must be a string, got "***"`,
      `${path}:9:44: processor 4 (drop): "if.all[1]" "matches" is not a valid regular expression`,
      `${path}:11:30: processor 5 (date): "formats"`,
      // Nothing in the step to point at: the step's line.
      `${path}:12: processor 6 (grok): "patterns" must be a non-empty list of grok patterns, got nothing`,
    ]);
    // The same locations when compiling (the first error), with the message otherwise unchanged.
    await expect(compilePipelineFile(path)).rejects.toThrow(
      new RegExp(
        `^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:11: processor 1 \\(grok\\): unknown grok pattern`,
      ),
    );
  });

  it('refuses bad files before any processor is built', async () => {
    expect(error(() => parsePipelineText('processors:\n  - grok: [\n', 'x.yaml'))).toMatch(
      /^x\.yaml:3: not valid YAML: /,
    );
    expect(error(() => parsePipelineText('{"processors": [}', 'x.json'))).toMatch(
      /^x\.json:1: not valid JSON: /,
    );
    expect(error(() => parsePipelineText('procesors: []\n', 'x.yaml'))).toBe(
      'x.yaml:1: unknown key "procesors"; valid top-level keys: description, patterns_dir, pattern_definitions, ecs_compatibility, processors, metrics',
    );
    expect(error(() => parsePipelineText('description: x\n', 'x.yaml'))).toBe(
      'x.yaml:1: "processors" is missing; valid top-level keys: description, patterns_dir, pattern_definitions, ecs_compatibility, processors, metrics',
    );
    expect(error(() => parsePipelineText('a\n', 'x.yaml'))).toBe(
      'x.yaml:1: a pipeline file must be a mapping with "processors" (or a list of processors)',
    );
    expect(error(() => parsePipelineText('description: x\nprocessors: 3\n', 'x.yaml'))).toBe(
      'x.yaml:2: "processors" must be a list of steps, got 3',
    );
    expect(
      error(() => parsePipelineText('pattern_definitions: { a-b: x }\nprocessors: []\n', 'x.yaml')),
    ).toBe(
      'x.yaml:1: "pattern_definitions" must map pattern names (letters, digits, _) to regex strings, got {"a-b":"x"}',
    );
    expect(error(() => parsePipelineText('processors: []\nprocessors: []\n', 'x.yaml'))).toMatch(
      /^x\.yaml:2: not valid YAML: .*[Uu]nique/,
    );
    await expect(loadPipelineFile(join(dir, 'missing.yaml'))).rejects.toThrow(
      `cannot read pipeline file ${join(dir, 'missing.yaml')}: ENOENT`,
    );
  });
});

describe('ecs_compatibility', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sluice-ecs-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('selects the naming mode of the built-in grok patterns for the whole file', async () => {
    const file = join(tmp, 'mode.yaml');
    writeFileSync(file, 'ecs_compatibility: v8\nprocessors:\n  - grok: { patterns: ["%{IP:client}"] }\n');
    expect((await loadPipelineFile(file)).ecsCompatibility).toBe('v1');
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, 'processors: []\necs_compatibility: v2\n');
    await expect(loadPipelineFile(bad)).rejects.toThrow(
      /bad\.yaml:2: "ecs_compatibility" must be one of v1, v8, disabled, got "v2"/,
    );
  });
});

describe('pipeline files: ${VAR} from the environment', () => {
  it('substitutes values (with defaults) before the steps are validated', async () => {
    process.env.SLUICE_TEST_PIPE_FIELD = 'raw';
    try {
      const path = write(
        'env.yaml',
        'processors:\n  - grok: { field: "${SLUICE_TEST_PIPE_FIELD}", patterns: ["%{IP:ip}"] }\n  - geoip: { field: "${SLUICE_TEST_PIPE_OTHER:-ip}" }\n',
      );
      const file = await loadPipelineFile(path);
      expect(file.specs).toEqual([
        { grok: { field: 'raw', patterns: ['%{IP:ip}'] } },
        { geoip: { field: 'ip' } },
      ]);
    } finally {
      delete process.env.SLUICE_TEST_PIPE_FIELD;
    }
  });

  it('an unset variable without default names the variable and file:line', () => {
    const message = error(() =>
      parsePipelineText('processors:\n  - grok:\n      field: ${SLUICE_TEST_PIPE_UNSET}\n', 'p.yaml'),
    );
    expect(message).toBe(
      'p.yaml:3: environment variable SLUICE_TEST_PIPE_UNSET is not set (used as ${SLUICE_TEST_PIPE_UNSET})',
    );
  });
});

describe('pipeline files: the declared top level (schema.ts, read by core)', () => {
  const full = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const { message, hint } = e as ConfigError;
      return hint === undefined ? message : `${message} [hint: ${hint}]`;
    }
    return 'no error';
  };

  it('a wrong type at the top level: file:line:column (the column when it is not 1), with the hint', () => {
    expect(full(() => parsePipelineText('{ processors: [], ecs_compatibility: v2 }\n', 'x.yaml'))).toBe(
      'x.yaml:1:19: "ecs_compatibility" must be one of v1, v8, disabled, got "v2" [hint: v1 (the default) gives ECS field names; disabled gives the legacy Logstash names]',
    );
    expect(full(() => parsePipelineText('processors: []\ndescription: [a]\n', 'x.yaml'))).toBe(
      'x.yaml:2: "description" must be text, got ["a"]',
    );
  });

  it('a JSON pipeline file: read as JSON, with line and column', () => {
    expect(full(() => parsePipelineText('{\n  "processors": [],\n  "description": 3\n}\n', 'p.json'))).toBe(
      'p.json:3:3: "description" must be text, got 3',
    );
    const file = parsePipelineText(
      '{\n  "processors": [{"drop": {}}],\n  "metrics": [\n    {"name": "lines_total", "type": "counter"},\n    {"name": "lines", "type": "counter"}\n  ]\n}\n',
      'p.json',
    );
    expect(metricsOf(file).metrics.map((m) => m.where)).toEqual(['p.json:4: metric 1 (lines_total)']);
    expect(metricsOf(file).errors.map((e) => [e.message, e.hint])).toEqual([
      [
        'p.json:5: metric 2 (lines): "name" of a counter must end in _total, got "lines"',
        'for example lines_total',
      ],
    ]);
  });

  it('a list or a map with a bad item is told as a whole, at its key', () => {
    expect(full(() => parsePipelineText('patterns_dir: [a, 3]\nprocessors: []\n', 'x.yaml'))).toBe(
      'x.yaml:1: "patterns_dir" must be a directory path or a list of them, got ["a",3]',
    );
    expect(full(() => parsePipelineText('processors: []\npattern_definitions:\n  A: 3\n', 'x.yaml'))).toBe(
      'x.yaml:2: "pattern_definitions" must map pattern names (letters, digits, _) to regex strings, got {"A":3}',
    );
  });

  it('a camelCase key is not read as its snake_case twin: pipeline files never had them', () => {
    expect(full(() => parsePipelineText('patternsDir: a\nprocessors: []\n', 'x.yaml'))).toBe(
      'x.yaml:1: unknown key "patternsDir"; valid top-level keys: description, patterns_dir, pattern_definitions, ecs_compatibility, processors, metrics [hint: did you mean patterns_dir?]',
    );
  });

  it('reads what it declares: relative patterns_dir, ecs v8 as v1, a bare list', () => {
    const file = parsePipelineText(
      'patterns_dir: [p, /abs]\necs_compatibility: v8\nprocessors: []\n',
      '/srv/x.yaml',
    );
    expect(file.patternsDirs).toEqual(['/srv/p', '/abs']);
    expect(file.ecsCompatibility).toBe('v1');
    const list = parsePipelineText('- drop: {}\n- json: { field: a }\n', 'l.yaml');
    expect([0, 1, -1].map(list.where)).toEqual(['l.yaml:1', 'l.yaml:2', 'l.yaml:1']);
    expect(list.locate(1, ['json', 'field'])).toBe('l.yaml:2:11');
  });
});
