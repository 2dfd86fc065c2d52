import { createHash } from 'node:crypto';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve as resolvePath } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, type Logger } from '@sluice/core';
import type * as Tinyglobby from 'tinyglobby';
import type { Checkpoint, EventSink, Fields, Input, ShipEvent } from '../event.js';
import { type Line, LineSplitter } from '../lines.js';
import { type JoinedLine, type Joiner, joinerFactory, type MultilineConfig } from '../multiline.js';
import { type FileRegistry, type FileState, fileKey } from '../registry.js';
import { lineTags } from './stream.js';

export interface FileInputOptions {
  /** Paths or glob patterns (tinyglobby syntax). Relative ones resolve against the working directory. */
  readonly paths: readonly string[];
  /**
   * Keep watching: new files, growth, rotation. When false, read every matched file to its
   * end once and finish (the one-shot mode of `sluice ship --file`).
   */
  readonly follow: boolean;
  /**
   * Where to start in a file seen for the first time. `end` applies only to files present at
   * start-up: files that appear later (a rotation's new file) are always read from the
   * beginning, or their first lines would be lost. Default `beginning`.
   */
  readonly startAt?: 'beginning' | 'end';
  /** How often to look for new files, ms. Default 1000. */
  readonly scanIntervalMs?: number;
  /** How often an idle open file is checked for growth or truncation, ms. Default 250. */
  readonly pollIntervalMs?: number;
  /** Close a file after this long without new data, ms; reopened when it grows. Default 300 000. */
  readonly closeInactiveMs?: number;
  /** Bytes per read. Default 64 KiB. */
  readonly readBufferBytes?: number;
  readonly maxLineBytes?: number;
  readonly multiline?: MultilineConfig;
  /** Part of every file's identity, so two hosts' inodes never share ids. */
  readonly shipperId: string;
  readonly fields?: Fields;
  readonly tags?: readonly string[];
}

/*
 * tinyglobby (with fdir and picomatch) is loaded only for a path that may be a glob: about 20 ms
 * of CPU on every `sluice ship --file F` (0.1 µs per line of a 200,000-line run) went to loading
 * it to learn that a plain path is plain. Without any character a glob is made of, a path is
 * literal whatever picomatch would say; with one, tinyglobby decides, as before.
 */
const GLOB_CHARACTERS = /[*?[\]{}()!+@\\]/;
let tinyglobby: typeof Tinyglobby | undefined;
function globLibrary(): typeof Tinyglobby {
  tinyglobby ??= createRequire(import.meta.url)('tinyglobby') as typeof Tinyglobby;
  return tinyglobby;
}
function isDynamicPattern(path: string): boolean {
  return GLOB_CHARACTERS.test(path) && globLibrary().isDynamicPattern(path);
}

export const FILE_INPUT_DEFAULTS = {
  startAt: 'beginning',
  scanIntervalMs: 1_000,
  pollIntervalMs: 250,
  closeInactiveMs: 300_000,
  readBufferBytes: 64 * 1024,
} as const;

/** Bytes hashed to recognise a file (and tell it from another that reused its inode). */
const FINGERPRINT_BYTES = 256;

interface Tracked {
  state: FileState;
  /** Where reading resumes (end of the last complete line read; beyond the confirmed offset). */
  readPos: number;
  /** The path the file was first opened under: `source`, `log.file.path`, partition key. */
  readonly source: string;
  harvester: Promise<void> | undefined;
  /** Size when its harvester closed for inactivity; growth past it reopens the file. */
  closedAtSize: number;
  idSource?: string;
  idGen?: number;
  /** The registry entry of this generation, advanced per confirmed batch (undefined without a registry). */
  checkpoint?: Checkpoint;
  fields?: Fields;
}

/**
 * Tails files matched by globs. Identity and ids (why not the path):
 *
 * A file is tracked by device + inode, which survive a rename, so rename-and-create
 * rotation keeps reading the old file to its end under the same identity while the new file
 * gets a new one. Copytruncate keeps the inode but restarts the content at offset 0, so
 * truncation (size below our offset, or the first bytes changed) bumps a generation
 * counter. A record's id is `recordId("<shipperId>:<dev>:<ino>:<gen>", byteOffset)`: the same
 * line read again after a restart, or after the file was renamed, gets the same id, and
 * different bytes never share one. The registry persists the generation; a fingerprint of
 * the first bytes tells a reused inode from the file the registry remembers.
 */
export class FileInput implements Input {
  readonly name: string;
  private readonly options: Required<
    Omit<FileInputOptions, 'multiline' | 'fields' | 'tags' | 'maxLineBytes'>
  > &
    Pick<FileInputOptions, 'maxLineBytes'>;
  private readonly newJoiner: () => Joiner;
  /** Whether lines are joined (multiline configured); without it each line is an event. */
  private readonly joins: boolean;
  private readonly tracked = new Map<string, Tracked>();
  private readonly baseTags: readonly string[];
  private readonly fields: Fields;

  constructor(
    options: FileInputOptions,
    private readonly registry: FileRegistry | undefined,
    private readonly log: Logger,
  ) {
    if (options.paths.length === 0) throw new ConfigError('a file input needs at least one path');
    this.options = {
      ...FILE_INPUT_DEFAULTS,
      ...options,
      paths: options.paths.map((p) => (isDynamicPattern(p) ? p : resolvePath(p))),
    };
    this.newJoiner = joinerFactory(options.multiline);
    this.joins = options.multiline !== undefined;
    this.baseTags = options.tags ?? [];
    this.fields = options.fields ?? {};
    this.name = `file:${options.paths.join(',')}`;
  }

  /** Matched files, absolute paths, sorted. */
  async scan(): Promise<string[]> {
    const literal = this.options.paths.filter((p) => !isDynamicPattern(p));
    const patterns = this.options.paths.filter((p) => isDynamicPattern(p));
    const found = new Set<string>();
    for (const p of literal) {
      const st = await stat(p).catch(() => undefined);
      if (st?.isFile()) found.add(p);
    }
    if (patterns.length > 0) {
      for (const p of await globLibrary().glob(patterns, {
        absolute: true,
        onlyFiles: true,
        dot: true,
        expandDirectories: false,
      })) {
        found.add(resolvePath(p));
      }
    }
    return [...found].sort();
  }

  async run(sink: EventSink, signal: AbortSignal): Promise<void> {
    if (!this.options.follow) {
      const files = await this.scan();
      if (files.length === 0) {
        const shown = this.options.paths.join(', ');
        throw new ConfigError(`file not found: ${shown}`, {
          hint: 'check the path (globs must be quoted so the shell does not expand them), or add --follow to wait for it',
        });
      }
      for (const path of files) {
        if (signal.aborted) break;
        const t = await this.discover(path, true);
        if (t) await this.harvest(t, sink, signal);
      }
      return;
    }
    let first = true;
    while (!signal.aborted) {
      const files = await this.scan();
      for (const path of files) {
        const t = await this.discover(path, first);
        if (t && !t.harvester && !signal.aborted) {
          t.harvester = this.harvest(t, sink, signal)
            .catch((error: unknown) => {
              if (!signal.aborted)
                this.log.error('file reader failed; will retry at next scan', { path, error });
            })
            .finally(() => {
              t.harvester = undefined;
            });
        }
      }
      first = false;
      this.forgetGone();
      await sleep(this.options.scanIntervalMs, undefined, { signal }).catch(() => undefined);
    }
    await Promise.all([...this.tracked.values()].map((t) => t.harvester));
  }

  /** Keys (dev:ino) found by the latest scan. */
  private seen = new Set<string>();

  /**
   * Closed files that no glob matches any more (rotated away, deleted) are forgotten, here
   * and in the registry, so neither grows with every rotation. Open ones are kept until
   * they close for inactivity: a renamed file is still read to its end.
   */
  private forgetGone(): void {
    for (const [key, t] of this.tracked) {
      if (!t.harvester && !this.seen.has(key)) {
        this.tracked.delete(key);
        this.registry?.delete(key);
      }
    }
    this.seen = new Set();
  }

  /**
   * Looks at a matched path; returns what to read, or undefined when there is nothing new
   * (already open, or closed and not grown).
   */
  private async discover(path: string, atStartup: boolean): Promise<Tracked | undefined> {
    const st = await stat(path, { bigint: false }).catch(() => undefined);
    if (!st?.isFile()) return undefined;
    const key = fileKey(st.dev, st.ino);
    this.seen.add(key);
    const known = this.tracked.get(key);
    if (known) {
      if (known.harvester) return undefined;
      // Closed for inactivity: reopen when it grew, or shrank (truncated while closed).
      return st.size !== known.closedAtSize ? known : undefined;
    }
    const fp = await fingerprint(path, Math.min(st.size, FINGERPRINT_BYTES));
    const saved = this.registry?.get(key);
    let state: FileState;
    if (saved && fp !== undefined && fpMatches(saved, fp.prefixHash(saved.fpLen))) {
      // The file we remember. Shrunk while we were away: it was truncated.
      state =
        st.size < saved.offset
          ? {
              ...saved,
              gen: saved.gen + 1,
              offset: 0,
              path,
              fp: fp.hash,
              fpLen: fp.length,
              updatedAt: Date.now(),
            }
          : { ...saved, path };
    } else {
      // New to us, or the registry's entry is another file that had this inode.
      const startAtEnd = atStartup && this.options.startAt === 'end' && !saved;
      state = {
        dev: st.dev,
        ino: st.ino,
        gen: saved ? saved.gen + 1 : 0,
        offset: startAtEnd ? st.size : 0,
        path,
        fp: fp?.hash ?? '',
        fpLen: fp?.length ?? 0,
        updatedAt: Date.now(),
      };
    }
    this.registry?.set(state);
    const t: Tracked = { state, readPos: state.offset, source: path, harvester: undefined, closedAtSize: -1 };
    this.tracked.set(key, t);
    return t;
  }

  /** Reads one file until EOF (one-shot), or until inactive, stopped or gone (follow). */
  private async harvest(t: Tracked, sink: EventSink, signal: AbortSignal): Promise<void> {
    let handle: FileHandle;
    try {
      handle = await open(t.state.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      const opened = await handle.stat();
      if (opened.ino !== t.state.ino || opened.dev !== t.state.dev) return; // replaced between stat and open
      const buffer = Buffer.allocUnsafe(this.options.readBufferBytes);
      let splitter = new LineSplitter(t.readPos, this.splitterOptions());
      let joiner = this.newJoiner();
      let lastData = Date.now();
      let lines: Line[] = [];
      while (!signal.aborted) {
        const { bytesRead } = await handle.read(
          buffer,
          0,
          buffer.length,
          splitter.position + splitter.partialBytes,
        );
        if (bytesRead > 0) {
          lastData = Date.now();
          lines = splitter.push(buffer.subarray(0, bytesRead), lines);
          // Index loops, and no joiner when lines are not joined: an array and an iterator per
          // line were garbage. The lines of one read share its time.
          for (let i = 0; i < lines.length; i++) {
            const line = lines[i] as Line;
            if (!this.joins) {
              const event = this.toEvent(t, line, lastData);
              if (!sink.tryPush?.(event)) await sink.push(event);
              continue;
            }
            const joined = joiner.push(line, lastData);
            for (let k = 0; k < joined.length; k++) {
              const event = this.toEvent(t, joined[k] as JoinedLine, lastData);
              if (!sink.tryPush?.(event)) await sink.push(event);
            }
          }
          lines.length = 0;
          t.readPos = splitter.position;
          continue;
        }
        if (!this.options.follow) {
          // One-shot: the last line may lack its newline; it is still a line.
          const tail = splitter.flush();
          if (tail) for (const event of joiner.push(tail)) await sink.push(this.toEvent(t, event));
          const pending = joiner.flush();
          if (pending) await sink.push(this.toEvent(t, pending));
          t.readPos = splitter.position;
          return;
        }
        const now = Date.now();
        if (joiner.expired(now)) {
          const pending = joiner.flush();
          if (pending) await sink.push(this.toEvent(t, pending));
        }
        const st = await handle.stat();
        const readEnd = splitter.position + splitter.partialBytes;
        if (st.size < readEnd || (await this.rewritten(t, handle, st.size))) {
          // Truncated (copytruncate) or rewritten in place: what was read stays valid for the old
          // generation; the new content starts at 0 under a new generation.
          const tail = splitter.flush();
          if (tail) for (const event of joiner.push(tail)) await sink.push(this.toEvent(t, event));
          const pending = joiner.flush();
          if (pending) await sink.push(this.toEvent(t, pending));
          const fp = await fingerprint(t.state.path, Math.min(st.size, FINGERPRINT_BYTES), handle);
          t.state = {
            ...t.state,
            gen: t.state.gen + 1,
            offset: 0,
            fp: fp?.hash ?? '',
            fpLen: fp?.length ?? 0,
            updatedAt: now,
          };
          this.registry?.set(t.state);
          t.readPos = 0;
          splitter = new LineSplitter(0, this.splitterOptions());
          joiner = this.newJoiner();
          this.log.info('file truncated; reading it again from the start', {
            path: t.source,
            generation: t.state.gen,
          });
          continue;
        }
        if (st.size > readEnd) continue;
        if (now - lastData >= this.options.closeInactiveMs) {
          // Partial last line stays unread (resumes at readPos when the file grows); pending
          // multi-line lines are emitted, they are complete as far as anyone can tell.
          const pending = joiner.flush();
          if (pending) await sink.push(this.toEvent(t, pending));
          t.closedAtSize = st.size;
          t.readPos = splitter.position;
          this.log.debug('closing inactive file', { path: t.source });
          return;
        }
        await sleep(this.options.pollIntervalMs, undefined, { signal }).catch(() => undefined);
      }
    } finally {
      await handle.close();
    }
  }

  /** True when the file's first bytes are no longer the ones we fingerprinted (rewritten in place). */
  private async rewritten(t: Tracked, handle: FileHandle, size: number): Promise<boolean> {
    const len = t.state.fpLen;
    if (size < len) return true;
    if (len >= FINGERPRINT_BYTES || size === len) {
      if (len === 0) return false;
      const fp = await fingerprint(t.state.path, len, handle);
      return fp !== undefined && fp.hash !== t.state.fp;
    }
    // The file grew past a short fingerprint: check the old prefix, then remember a longer one.
    const fp = await fingerprint(t.state.path, Math.min(size, FINGERPRINT_BYTES), handle);
    if (!fp) return false;
    if (len > 0 && fp.prefixHash(len) !== t.state.fp) return true;
    t.state = { ...t.state, fp: fp.hash, fpLen: fp.length };
    // Patch, not set: t.state.offset is stale, the registry holds the confirmed offset.
    this.registry?.patch(fileKey(t.state.dev, t.state.ino), { fp: fp.hash, fpLen: fp.length });
    return false;
  }

  private splitterOptions() {
    return this.options.maxLineBytes !== undefined ? { maxLineBytes: this.options.maxLineBytes } : {};
  }

  private toEvent(t: Tracked, line: JoinedLine, readAt = Date.now()): ShipEvent {
    const { dev, ino, gen } = t.state;
    const tags = lineTags(line, this.baseTags);
    // Built once per file and generation, shared by its events (they never change them).
    if (t.idSource === undefined || t.idGen !== gen) {
      t.idSource = `${this.options.shipperId}:${dev}:${ino}:${gen}`;
      t.idGen = gen;
      const registry = this.registry;
      const key = fileKey(dev, ino);
      t.checkpoint = registry ? { advance: (end) => registry.advance(key, gen, end) } : undefined;
    }
    t.fields ??= { ...this.fields, 'log.file.path': t.source };
    // One literal with every key (no conditional spread): this runs once per line.
    return {
      input: 'file',
      text: line.text,
      source: t.source,
      idSource: t.idSource,
      offset: line.offset,
      byteOffset: line.offset,
      bytes: line.bytes,
      fields: t.fields,
      tags,
      readAt,
      checkpoint: t.checkpoint,
      end: line.end,
    };
  }
}

function fpMatches(saved: FileState, prefixHash: string | undefined): boolean {
  return saved.fpLen === 0 || prefixHash === saved.fp;
}

interface Fingerprint {
  readonly hash: string;
  readonly length: number;
  /** Hash of the first `n` bytes (n <= length), to compare with a shorter remembered fingerprint. */
  prefixHash(n: number): string | undefined;
}

async function fingerprint(
  path: string,
  length: number,
  handle?: FileHandle,
): Promise<Fingerprint | undefined> {
  const own = handle ? undefined : await open(path, 'r').catch(() => undefined);
  const h = handle ?? own;
  if (!h) return undefined;
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await h.read(buf, 0, length, 0);
    const head = buf.subarray(0, bytesRead);
    const hash = (b: Buffer) => createHash('sha256').update(b).digest('hex').slice(0, 16);
    return {
      hash: hash(head),
      length: bytesRead,
      prefixHash: (n) => (n <= bytesRead ? hash(head.subarray(0, n)) : undefined),
    };
  } finally {
    await own?.close();
  }
}
