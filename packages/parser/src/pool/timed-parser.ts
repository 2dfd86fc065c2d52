import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ConfigError, type InboundRecord, ParseError } from '@sluice/core';
import { Grok } from '../grok/compiler.js';
import type { EcsCompatibility } from '../patterns/index.js';
import { PARSER_POOL_DEFAULTS } from './parser-pool.js';
import { compileSource, type PipelineSource } from './source.js';
import { toWire, type WireBatch } from './wire.js';

/** What a TimedParser runs on each record. */
export type TimedJob =
  /** The pipeline, as `consume` runs it: one ECS event per record (or none when dropped). */
  | { readonly kind: 'pipeline'; readonly source: PipelineSource }
  /** Bare grok, as `sluice grok` prints it: the captured fields, or null. */
  | {
      readonly kind: 'grok';
      readonly patterns: readonly string[];
      readonly definitions?: Readonly<Record<string, string>>;
      readonly ecsCompatibility?: EcsCompatibility;
    };

/** One record's outcome, in the order of the records given. */
export interface TimedResult {
  /**
   * The output as JSON text: the event (pipeline) or the captures / `null` (grok).
   * Undefined when the pipeline dropped the record or threw on it.
   */
  readonly json: string | undefined;
  /** Failure tags (`_grokparsefailure`, `_groktimeout`, ...): the event's tags that start with `_`. */
  readonly failures: readonly string[];
  /** Parsing overran the budget: the worker was replaced and the record emitted unparsed. */
  readonly timedOut: boolean;
  /** The pipeline threw on this record (a processor bug or a pathological input). */
  readonly error?: string;
}

/** [pattern label, matches, misses, seconds (sampled, see grok/processor.ts)] */
export type PatternStatRow = readonly [string, number, number, number];

export interface TimedParserOptions {
  /**
   * Time one record may take before its worker is terminated and the record is emitted
   * unparsed, tagged `_groktimeout`. Default as the consumer's pool: 1000 ms. Range 10..60000.
   */
  readonly budgetMs?: number;
}

/** What the worker gets once. `progress` is shared: the index of the record being parsed. */
export interface TimedWorkerData {
  readonly job: TimedJob;
  readonly progress: Int32Array;
}

export interface TimedTask {
  readonly batch: WireBatch;
  /** Records not to parse (they overran the budget in an earlier attempt). */
  readonly skip: readonly number[];
}

export type TimedReply =
  | { readonly ready: true }
  | { readonly results: readonly TimedResult[]; readonly stats: readonly PatternStatRow[] };

const WORKER_FILE = fileURLToPath(new URL('../../dist/pool/timed-parse.worker.js', import.meta.url));

/**
 * Runs records through a pipeline (or bare grok) in ONE worker thread, with a time budget
 * per record: the CLI's `grok`, `parse` and `tap`, which print results in input order and
 * have no use for a pool.
 *
 * The budget works as ParserPool's (see parser-pool.ts): a JavaScript regex cannot be
 * interrupted in its own thread, so the worker writes the index of the record it starts
 * into shared memory and a watchdog here terminates the worker when one index stays
 * longer than the budget. The batch then runs again in a fresh worker with that record
 * marked to be emitted unparsed, tagged `_groktimeout`. Records are never lost or
 * reordered; the cost of an overrun is the budget plus a worker start (tens of ms).
 */
export class TimedParser {
  readonly budgetMs: number;
  private readonly job: TimedJob;
  private readonly progress = new Int32Array(new SharedArrayBuffer(4));
  private worker: Worker | undefined;
  private readonly patternTotals = new Map<string, [number, number, number]>();
  private closed = false;

  private constructor(job: TimedJob, budgetMs: number) {
    this.job = job;
    this.budgetMs = budgetMs;
  }

  /** Validates the job here (ConfigError naming the problem, exit 2), then starts the worker. */
  static async create(job: TimedJob, options: TimedParserOptions = {}): Promise<TimedParser> {
    const budgetMs = options.budgetMs ?? PARSER_POOL_DEFAULTS.eventBudgetMs;
    if (!Number.isFinite(budgetMs) || budgetMs < 10 || budgetMs > 60_000) {
      throw new ConfigError(`the time budget per line must be between 10 and 60000 ms, got ${budgetMs}`);
    }
    if (job.kind === 'pipeline') await compileSource(job.source);
    else
      new Grok(job.patterns, {
        ...(job.definitions ? { definitions: job.definitions } : {}),
        ...(job.ecsCompatibility ? { ecsCompatibility: job.ecsCompatibility } : {}),
      });
    if (!existsSync(WORKER_FILE)) {
      throw new ConfigError(`parser worker ${WORKER_FILE} is missing`, {
        hint: 'build first: pnpm exec tsc -b',
      });
    }
    const parser = new TimedParser(job, budgetMs);
    parser.worker = await parser.start();
    return parser;
  }

  /**
   * Parses records; resolves with one result per record, in order. Rejects only when the
   * parser is closed or the worker dies for a reason other than the budget.
   */
  async parse(records: readonly InboundRecord[]): Promise<TimedResult[]> {
    if (this.closed) throw new ParseError('timed parser is closed');
    if (records.length === 0) return [];
    const batch = toWire(records);
    const skip: number[] = [];
    for (;;) {
      const worker = this.worker ?? (await this.start());
      this.worker = worker;
      const overrun = await this.runOnce(worker, { batch, skip });
      if (typeof overrun !== 'number') {
        for (const [label, matches, misses, seconds] of overrun.stats) {
          const total = this.patternTotals.get(label) ?? [0, 0, 0];
          total[0] += matches;
          total[1] += misses;
          total[2] += seconds;
          this.patternTotals.set(label, total);
        }
        return [...overrun.results];
      }
      // The stuck worker cannot be reused: its thread is still inside the regex.
      this.worker = undefined;
      await worker.terminate();
      skip.push(overrun);
    }
  }

  /** Per-pattern counts and (sampled) time since the start, as [label, matches, misses, seconds]. */
  patternStats(): PatternStatRow[] {
    return [...this.patternTotals].map(([label, [matches, misses, seconds]]) => [
      label,
      matches,
      misses,
      seconds,
    ]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private start(): Promise<Worker> {
    const data: TimedWorkerData = { job: this.job, progress: this.progress };
    const worker = new Worker(WORKER_FILE, { workerData: data });
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => {
        worker.off('message', onReady);
        reject(error);
      };
      const onReady = () => {
        worker.off('error', onError);
        resolve(worker);
      };
      worker.once('error', onError);
      worker.once('message', onReady);
    });
  }

  /** One attempt at a batch: the replies, or the index of the record that overran the budget. */
  private runOnce(
    worker: Worker,
    task: TimedTask,
  ): Promise<number | { results: readonly TimedResult[]; stats: readonly PatternStatRow[] }> {
    Atomics.store(this.progress, 0, -1);
    return new Promise((resolve, reject) => {
      let current = -1;
      let since = performance.now();
      const tick = Math.max(5, Math.min(250, Math.floor(this.budgetMs / 4)));
      const watchdog = setInterval(() => {
        const at = Atomics.load(this.progress, 0);
        const now = performance.now();
        if (at !== current) {
          current = at;
          since = now;
        } else if (at >= 0 && now - since > this.budgetMs) {
          done();
          resolve(at);
        }
      }, tick);
      const onMessage = (reply: TimedReply) => {
        done();
        if ('results' in reply) resolve(reply);
        else reject(new ParseError('timed parser worker sent an unexpected message'));
      };
      const onError = (error: Error) => {
        done();
        this.worker = undefined;
        reject(error);
      };
      const onExit = (code: number) => {
        done();
        this.worker = undefined;
        reject(new ParseError(`timed parser worker exited with code ${code}`));
      };
      const done = () => {
        clearInterval(watchdog);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage(task);
    });
  }
}
