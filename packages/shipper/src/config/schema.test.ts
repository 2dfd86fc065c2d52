import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@sluice/core';
import { parseConfigText } from '@sluice/core/config';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { loadShipperConfig } from './load.js';
import { shipperConfigSchema, shipperJsonSchema } from './schema.js';

const here = dirname(fileURLToPath(import.meta.url));
const README = join(here, '../../README.md');

/** The YAML blocks of a Markdown file that are shipper configs (they have inputs:). */
async function shipperExamples(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8');
  return [...text.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1] as string)
    .filter((y) => /^inputs:/m.test(y));
}

async function tempFile(name: string, text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'ship-schema-')), name);
  await writeFile(path, text);
  return path;
}

describe('shipper config schema', () => {
  it("the README's example is valid for the published JSON Schema and for the reader, with no deprecation", async () => {
    const examples = await shipperExamples(README);
    expect(examples.length).toBeGreaterThan(0);
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(shipperJsonSchema());
    for (const example of examples) {
      const { parse } = await import('yaml');
      const valid = validate(parse(example));
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
      const { deprecations } = parseConfigText(example, 'README.md', shipperConfigSchema);
      expect(deprecations).toEqual([]);
    }
  });

  it('the published schema rejects a misspelt key, as the reader does', () => {
    const validate = new Ajv2020({ strict: false }).compile(shipperJsonSchema());
    expect(validate({ output: { url: 'x' }, inputs: [{ type: 'file', paths: 'a', folow: true }] })).toBe(
      false,
    );
  });

  it('a misspelt key: file:line:column and a "did you mean"', async () => {
    const path = await tempFile(
      'shipper.yaml',
      'output: { url: redis://h/l }\ninputs:\n  - type: file\n    paths: /var/log/a.log\n    start_att: end\n',
    );
    const error = await loadShipperConfig(path).catch((e: Error) => e);
    expect((error as Error).message).toMatch(
      `${path}: inputs[0].start_att is not a known setting; did you mean start_at? (known: type, paths,`,
    );
    expect((error as Error).message).toMatch(new RegExp(`\\(at ${path}:5:5\\)$`));
  });

  it('a wrong type and a value out of range: file:line:column', async () => {
    const wrongType = await tempFile(
      'a.yaml',
      'output:\n  url: redis://h/l\n  batch_size: lots\ninputs: [{ type: stdin }]\n',
    );
    await expect(loadShipperConfig(wrongType)).rejects.toThrow(
      `${wrongType}: output.batch_size must be a whole number from 1 to 100000, got "lots" (at ${wrongType}:3:3)`,
    );
    const outOfRange = await tempFile(
      'b.yaml',
      'output: { url: redis://h/l }\ninputs:\n  - { type: tcp, port: 70000 }\n',
    );
    await expect(loadShipperConfig(outOfRange)).rejects.toThrow(
      `${outOfRange}: inputs[0].port must be a whole number from 0 to 65535, got 70000 (at ${outOfRange}:3:18)`,
    );
  });

  it('an unknown input type lists the types', async () => {
    const path = await tempFile('c.yaml', 'output: { url: redis://h/l }\ninputs:\n  - type: ftp\n');
    await expect(loadShipperConfig(path)).rejects.toThrow(
      `${path}: inputs[0].type must be one of file, stdin, tcp, udp, syslog, got "ftp" (at ${path}:3:5)`,
    );
  });

  it('the old camelCase spelling still works, with one warning naming the new key', async () => {
    const path = await tempFile(
      'old.yaml',
      'output: { url: redis://h/l, batchSize: 10 }\nshipperId: web-01\ninputs:\n  - { type: file, paths: a, startAt: end }\n',
    );
    const warnings: string[] = [];
    const logger = createLogger({ level: 'silent' });
    logger.warn = (message: string) => {
      warnings.push(message);
    };
    const config = await loadShipperConfig(path, logger);
    expect(config).toMatchObject({
      output: { batchSize: 10 },
      shipperId: 'web-01',
      inputs: [{ startAt: 'end' }],
    });
    expect(warnings).toEqual([
      `${path}: output.batchSize is deprecated: write batch_size instead (at ${path}:1:29)`,
      `${path}: shipperId is deprecated: write shipper_id instead (at ${path}:2:1)`,
      `${path}: inputs[0].startAt is deprecated: write start_at instead (at ${path}:4:29)`,
    ]);
  });
});
