import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@sluice/core';
import { validateConfig } from '@sluice/core/config';
import { describe, expect, it } from 'vitest';
import { shipperConfigSchema } from './config/schema.js';
import {
  applyModule,
  buildShipper,
  type InputConfig,
  loadShipperConfig,
  type ModuleCatalog,
  parseDuration,
  parseSize,
  validateShipperConfig,
} from './config.js';
import { MemoryProducer } from './testing/memory-producer.js';

const minimal = {
  output: { url: 'redis://127.0.0.1:6379/logs' },
  inputs: [{ type: 'file', paths: ['/var/log/*.log'] }],
};

describe('shipper config', () => {
  it('accepts the documented example', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ship-cfg-'));
    const path = join(dir, 'shipper.yaml');
    await writeFile(
      path,
      `output:
  url: kafka://127.0.0.1:9092/logs
  batchSize: 1000
  batchBytes: 2MiB
  linger: 50ms
registry: { path: /var/lib/sluice/registry.json }
metrics: { address: 127.0.0.1:9464 }
shipperId: web-01
fields: { service: { name: shop }, env: prod }
tags: [web]
maxLineBytes: 64KiB
queue: { maxEvents: 8192, maxBytes: 32MiB }
inputs:
  - type: file
    paths: ["/var/log/app/*.log"]
    startAt: end
    closeInactive: 5m
    multiline: java
  - type: file
    paths: /var/log/py.log
    multiline: { pattern: '^\\s', negate: false, match: after, timeout: 2s, maxLines: 200 }
  - { type: tcp, port: 5170 }
  - { type: udp, port: 5171, codec: json }
  - { type: syslog, protocol: tcp, host: 0.0.0.0, port: 5514 }
`,
    );
    const config = await loadShipperConfig(path);
    expect(config.output).toEqual({
      url: 'kafka://127.0.0.1:9092/logs',
      batchSize: 1000,
      batchBytes: 2 * 1024 * 1024,
      lingerMs: 50,
    });
    expect(config.fields).toEqual({ 'service.name': 'shop', env: 'prod' });
    expect(config.maxLineBytes).toBe(65_536);
    expect(config.inputs[0]).toMatchObject({
      type: 'file',
      startAt: 'end',
      closeInactiveMs: 300_000,
      multiline: { preset: 'java' },
    });
    expect(config.inputs[1]).toMatchObject({
      paths: ['/var/log/py.log'],
      multiline: { timeoutMs: 2_000, maxLines: 200 },
    });
    expect(config.inputs[4]).toMatchObject({ type: 'syslog', protocol: 'tcp', host: '0.0.0.0', port: 5514 });
  });

  it.each([
    [{ ...minimal, output: {} }, 'output.url is required'],
    [{ ...minimal, inputs: [] }, 'inputs must be a non-empty list, got []'],
    [
      { ...minimal, inputs: [{ type: 'ftp' }] },
      'inputs[0].type must be one of file, stdin, tcp, udp, syslog, got "ftp"',
    ],
    [
      { ...minimal, inputs: [{ type: 'tcp', port: 70000 }] },
      'inputs[0].port must be a whole number from 0 to 65535, got 70000',
    ],
    [
      { ...minimal, inputs: [{ type: 'file', paths: [] }] },
      'inputs[0].paths must be a path or a non-empty list of paths/globs, got []',
    ],
    [
      { ...minimal, inputs: [{ type: 'file', paths: 'a', multiline: 'ruby' }] },
      'inputs[0].multiline must be one of java, python, indented or a map, got "ruby"',
    ],
    [
      { ...minimal, inputs: [{ type: 'file', paths: 'a', scanInterval: 'soon' }] },
      'inputs[0].scanInterval must be a duration like 250ms, 5s or 2m, got "soon"',
    ],
    [
      { ...minimal, inputs: [{ type: 'file', paths: 'a', folow: true }] },
      'inputs[0].folow is not a known setting',
    ],
    [
      { ...minimal, output: { url: 'x', batchSize: 0 } },
      'output.batchSize must be a whole number from 1 to 100000, got 0',
    ],
    [
      { ...minimal, maxLineBytes: '2GiB' },
      'maxLineBytes must be between 16 and 1073741824 bytes, got "2GiB"',
    ],
    [
      { ...minimal, fields: { a: null } },
      'fields.a must be a string, number, boolean or list of strings, got null',
    ],
  ])('rejects %j with a message naming key and value', async (doc, message) => {
    await expect(validateShipperConfig(doc)).rejects.toThrow(message);
  });

  it('names the file in config errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ship-cfg-'));
    const path = join(dir, 'bad.yaml');
    await writeFile(path, 'output: { url: x }\ninputs: [{ type: udp }]\n');
    await expect(loadShipperConfig(path)).rejects.toThrow(`${path}: inputs[0].port is required`);
  });

  it('parses durations and sizes', () => {
    expect(parseDuration('1.5s', 'k', 0, 1e9)).toBe(1_500);
    expect(parseDuration(20, 'k', 0, 1e9)).toBe(20);
    expect(parseSize('64KiB', 'k', 0, 1e12)).toBe(65_536);
    expect(() => parseDuration('5s', 'k', 0, 1_000)).toThrow('k must be between 0ms and 1000ms, got "5s"');
  });
});

/** Two modules the way @sluice/parser describes them: one with a multi-line rule, one without. */
const catalog: ModuleCatalog = {
  names: ['java', 'nginx.access'],
  multiline: (name) => (name === 'java' ? { startPattern: String.raw`^\d{4}-\d{2}-\d{2} ` } : undefined),
};

describe('module: on an input', () => {
  const withModule = (input: Record<string, unknown>): InputConfig => {
    const doc = { output: { url: 'redis://127.0.0.1:6379/logs' }, inputs: [input] };
    return validateConfig(shipperConfigSchema, doc).value.inputs[0] as InputConfig;
  };

  it("takes the module's start pattern as negate + match after, on file, stdin and tcp inputs", () => {
    for (const input of [
      { type: 'file', paths: ['/var/log/app.log'], module: 'java' },
      { type: 'stdin', module: 'java' },
      { type: 'tcp', port: 5170, module: 'java' },
    ]) {
      const applied = applyModule(withModule(input), 'inputs[0]', catalog);
      expect(applied).toMatchObject({
        module: 'java',
        multiline: { pattern: String.raw`^\d{4}-\d{2}-\d{2} `, negate: true, match: 'after' },
      });
    }
  });

  it('leaves an explicit multiline alone, and a module without a rule joins nothing', () => {
    const explicit = withModule({ type: 'file', paths: ['/a.log'], module: 'java', multiline: 'python' });
    expect(applyModule(explicit, 'inputs[0]', catalog)).toMatchObject({
      multiline: { preset: 'python' },
    });
    const single = applyModule(withModule({ type: 'stdin', module: 'nginx.access' }), 'inputs[0]', catalog);
    expect(single).not.toHaveProperty('multiline');
  });

  it('rejects an unknown module, naming the key, the value and the known modules', () => {
    const input = withModule({ type: 'stdin', module: 'jav' });
    expect(() => applyModule(input, 'inputs[0]', catalog)).toThrow(
      'inputs[0].module must be one of java, nginx.access, got "jav"',
    );
    expect(() => applyModule(input, 'inputs[0]', undefined)).toThrow(
      "inputs[0].module: this shipper was built without the parser's module list",
    );
  });

  it('is not a setting of inputs that do not join lines', () => {
    expect(() => withModule({ type: 'udp', port: 5171, module: 'java' })).toThrow(
      'inputs[0].module is not a known setting',
    );
  });

  it('buildShipper applies it: a Java log becomes one record per exception', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ship-cfg-'));
    const path = join(dir, 'java.log');
    const exception = (i: number) =>
      `2024-01-01 10:00:0${i} ERROR [main] a.B - failed ${i}\njava.lang.IllegalStateException: e${i}\n\tat a.B.c(B.java:1)\n`;
    await writeFile(path, `${exception(1)}2024-01-01 10:00:05 INFO [main] a.B - fine\n${exception(2)}`);
    const producer = new MemoryProducer();
    const built = await buildShipper(
      {
        output: { url: 'memory://' },
        inputs: [{ type: 'file', paths: [path], follow: false, module: 'java' }],
      },
      { producer: () => producer, modules: catalog, logger: createLogger({ level: 'silent' }) },
    );
    await built.start().run(new AbortController().signal);
    expect(producer.records.map((r) => r.line.split('\n').length)).toEqual([3, 1, 3]);
  });
});

describe('shipper config: ${VAR} from the environment', () => {
  it('takes values from the environment, with defaults, and keeps numbers numbers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ship-env-'));
    const path = join(dir, 'shipper.yaml');
    await writeFile(
      path,
      `output:
  url: redis://\${SLUICE_TEST_SHIP_HOST}:6379/\${SLUICE_TEST_SHIP_LIST:-logs}
  batchSize: \${SLUICE_TEST_SHIP_BATCH}
inputs:
  - { type: file, paths: ["\${SLUICE_TEST_SHIP_DIR:-/var/log}/*.log"] }
`,
    );
    process.env.SLUICE_TEST_SHIP_HOST = 'redis.internal';
    process.env.SLUICE_TEST_SHIP_BATCH = '500';
    try {
      const config = await loadShipperConfig(path);
      expect(config.output).toMatchObject({ url: 'redis://redis.internal:6379/logs', batchSize: 500 });
      expect(config.inputs[0]).toMatchObject({ paths: ['/var/log/*.log'] });
    } finally {
      delete process.env.SLUICE_TEST_SHIP_HOST;
      delete process.env.SLUICE_TEST_SHIP_BATCH;
    }
  });

  it('an unset variable is an error with file:line; a bad value is shown as its ${VAR}, never printed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ship-env-'));
    const path = join(dir, 'shipper.yaml');
    await writeFile(path, 'output:\n  url: ${SLUICE_TEST_SHIP_URL}\ninputs:\n  - { type: stdin }\n');
    await expect(loadShipperConfig(path)).rejects.toThrow(
      `${path}:2: environment variable SLUICE_TEST_SHIP_URL is not set (used as \${SLUICE_TEST_SHIP_URL})`,
    );
    await writeFile(
      path,
      'output:\n  url: redis://h/l\n  batchSize: ${SLUICE_TEST_SHIP_BATCH}\ninputs:\n  - { type: stdin }\n',
    );
    process.env.SLUICE_TEST_SHIP_BATCH = 'hunter2-not-a-number';
    try {
      const error = await loadShipperConfig(path).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toContain('${SLUICE_TEST_SHIP_BATCH}');
      expect((error as Error).message).not.toContain('hunter2');
    } finally {
      delete process.env.SLUICE_TEST_SHIP_BATCH;
    }
  });
});
