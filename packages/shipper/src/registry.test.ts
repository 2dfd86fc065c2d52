import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileRegistry, fileKey } from './registry.js';

const state = (offset: number, gen = 0) => ({
  dev: 1,
  ino: 2,
  gen,
  offset,
  path: '/x.log',
  fp: 'ab',
  fpLen: 2,
  updatedAt: 0,
});

describe('FileRegistry', () => {
  it('persists confirmed offsets and reloads them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-reg-'));
    const path = join(dir, 'sub', 'registry.json');
    const reg = await FileRegistry.open(path);
    reg.set(state(0));
    reg.advance(fileKey(1, 2), 0, 120);
    reg.advance(fileKey(1, 2), 0, 60); // never backwards
    reg.advance(fileKey(1, 2), 1, 500); // another generation: ignored
    await reg.flush();
    const again = await FileRegistry.open(path);
    expect(again.get(fileKey(1, 2))).toMatchObject({ offset: 120, gen: 0 });
  });

  it('replaces the file atomically: no temp file left, and a torn temp file from a crash is ignored', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-reg-'));
    const path = join(dir, 'registry.json');
    const reg = await FileRegistry.open(path);
    reg.set(state(10));
    await reg.flush();
    // A crash during a write leaves only a temp file; the registry itself is the last complete version.
    await writeFile(join(dir, '.registry.json.999.tmp'), '{"version":1,"files":[{"dev":1,');
    const reopened = await FileRegistry.open(path);
    expect(reopened.get(fileKey(1, 2))?.offset).toBe(10);
    expect(JSON.parse(await readFile(path, 'utf8')).files).toHaveLength(1);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp') && !f.includes('999'))).toEqual([]);
  });

  it('many concurrent flushes leave a complete, latest document', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-reg-'));
    const path = join(dir, 'registry.json');
    const reg = await FileRegistry.open(path);
    reg.set(state(0));
    const writes: Promise<void>[] = [];
    for (let i = 1; i <= 50; i++) {
      reg.advance(fileKey(1, 2), 0, i);
      writes.push(reg.flush());
    }
    await Promise.all(writes);
    expect(JSON.parse(await readFile(path, 'utf8')).files[0].offset).toBe(50);
  });

  it('a file that is not a registry is a config error with a hint', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-reg-'));
    const path = join(dir, 'registry.json');
    await writeFile(path, 'hello');
    await expect(FileRegistry.open(path)).rejects.toMatchObject({
      name: 'ConfigError',
      exitCode: 2,
      hint: expect.stringContaining('move it away'),
    });
  });
});
