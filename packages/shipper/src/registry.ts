import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConfigError, SluiceError } from '@sluice/core';

/**
 * What the shipper remembers about one file. `offset` is the end of the last line the
 * broker CONFIRMED, never just read: a restart resumes there, so at most the batch that
 * was in flight is sent again (under the same ids).
 */
export interface FileState {
  readonly dev: number;
  readonly ino: number;
  /** Bumped when the file is truncated (copytruncate) or its inode is reused by another file. */
  readonly gen: number;
  readonly offset: number;
  /** Path the file was found under most recently (for people; identity is dev+ino+fingerprint). */
  readonly path: string;
  /** sha256 (hex, 16 chars) of the first `fpLen` bytes: tells a reused inode from the same file. */
  readonly fp: string;
  readonly fpLen: number;
  /** ms since epoch of the last change. */
  readonly updatedAt: number;
}

/** The registry's own copy: `advance` runs once per shipped line, so it updates in place. */
type StoredState = { -readonly [K in keyof FileState]: FileState[K] };

interface RegistryFile {
  readonly version: 1;
  readonly files: FileState[];
}

export function fileKey(dev: number, ino: number): string {
  return `${dev}:${ino}`;
}

/**
 * The registry of file offsets. One JSON document, replaced atomically (write a temp file,
 * fsync it, rename over the old one, fsync the directory), so after a crash it is either
 * the old version or the new one, never a torn mix.
 */
export class FileRegistry {
  private readonly states = new Map<string, StoredState>();
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();

  private constructor(readonly path: string) {}

  static async open(path: string): Promise<FileRegistry> {
    const registry = new FileRegistry(path);
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new ConfigError(`cannot read registry ${path}: ${(error as Error).message}`, { cause: error });
      }
    }
    if (text !== undefined) {
      let parsed: RegistryFile;
      try {
        parsed = JSON.parse(text) as RegistryFile;
        if (parsed.version !== 1 || !Array.isArray(parsed.files)) throw new Error('unknown layout');
      } catch (error) {
        throw new ConfigError(`registry ${path} is not a Sluice registry (${(error as Error).message})`, {
          cause: error,
          hint: 'move it away to start over (files are then read according to --from-beginning/--from-end)',
        });
      }
      for (const s of parsed.files) registry.states.set(fileKey(s.dev, s.ino), { ...s });
    }
    // Prove now, before connecting anywhere, that we can write it.
    await mkdir(dirname(path), { recursive: true }).catch((error: unknown) => {
      throw new ConfigError(
        `cannot create the registry directory ${dirname(path)}: ${(error as Error).message}`,
      );
    });
    await registry.write();
    return registry;
  }

  get(key: string): FileState | undefined {
    return this.states.get(key);
  }

  all(): FileState[] {
    return [...this.states.values()];
  }

  set(state: FileState): void {
    // A copy: the caller keeps its object, and later in-place advances never change it.
    this.states.set(fileKey(state.dev, state.ino), { ...state });
    this.dirty = true;
  }

  /** Changes a file's fingerprint or path, leaving its confirmed offset and generation alone. */
  patch(key: string, change: Partial<Pick<FileState, 'fp' | 'fpLen' | 'path'>>): void {
    const s = this.states.get(key);
    if (!s) return;
    this.states.set(key, { ...s, ...change, updatedAt: Date.now() });
    this.dirty = true;
  }

  delete(key: string): void {
    if (this.states.delete(key)) this.dirty = true;
  }

  /** Moves a file's confirmed offset forward; ignores confirmations for an older generation. */
  advance(key: string, gen: number, offset: number): void {
    const s = this.states.get(key);
    if (!s || s.gen !== gen || offset <= s.offset) return;
    // In place, no copy: this runs for every confirmed line (a million times per 200 MiB).
    s.offset = offset;
    s.updatedAt = Date.now();
    this.dirty = true;
  }

  /** Writes the registry if anything changed. Calls are serialised. */
  flush(): Promise<void> {
    this.writing = this.writing.then(() => (this.dirty ? this.write() : undefined));
    return this.writing;
  }

  private async write(): Promise<void> {
    this.dirty = false;
    // Serialised before the first await: states change in place while the write is under way.
    const body: RegistryFile = { version: 1, files: [...this.states.values()] };
    const text = `${JSON.stringify(body)}\n`;
    const dir = dirname(this.path);
    const temp = join(dir, `.${basename(this.path)}.${process.pid}.tmp`);
    try {
      const handle = await open(temp, 'w', 0o644);
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.path);
      // The rename is durable only once the directory entry is.
      const dirHandle = await open(dir, 'r');
      try {
        await dirHandle.sync();
      } finally {
        await dirHandle.close();
      }
    } catch (error) {
      this.dirty = true;
      await unlink(temp).catch(() => undefined);
      throw new SluiceError(`cannot write registry ${this.path}: ${(error as Error).message}`, {
        cause: error,
        hint: 'check free space and permissions of the registry directory',
      });
    }
  }
}
