import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  type BatchEncoder,
  ConfigError,
  type Counter,
  compileIndexName,
  counter,
  type EncodedBatch,
  type EncodedPayloads,
  type InboundRecord,
  itemText,
  type LogEvent,
  ParseError,
  type RawPayloads,
} from '@sluice/core';
import { Piscina } from 'piscina';
import type { LogMetricDefinition } from '../log-metrics/config.js';
import { type LogMetricRow, LogMetricsEvaluator, subtractRows } from '../log-metrics/evaluator.js';
import { LogMetricsExporter } from '../log-metrics/exporter.js';
import { GrowthWindow } from './growth.js';
import { type PipelineSource, validateSource } from './source.js';
import {
  type PayloadsBatch,
  toWire,
  type WireBatch,
  WORKER_START_FAILED,
  type WorkerData,
  type WorkerResult,
  type WorkerTask,
} from './wire.js';

export interface ParserPoolOptions {
  readonly pipeline: PipelineSource;
  /** Index name or template: `logs`, `logs-%{+yyyy.MM.dd}`, `%{[service][name]}-%{+yyyy.MM}` (see compileIndexName). */
  readonly index: string;
  /** Replaces a missing field in the index template. Default `unknown`. */
  readonly indexMissing?: string;
  /**
   * Most worker threads. Default: the number of CPUs. Range 1..256. The pool starts
   * `minThreads` and adds one when its workers have been occupied three quarters of two
   * seconds in a row with batches waiting (see growth.ts).
   */
  readonly threads?: number;
  /** Worker threads started at once and never fewer. Default 1. Range 1..threads. */
  readonly minThreads?: number;
  /**
   * Time one event may spend in the pipeline before its worker is recycled and the event
   * is emitted unparsed, tagged `_groktimeout`. Default 1000 ms. Range 10..60000.
   */
  readonly eventBudgetMs?: number;
  /**
   * URL of the module that decodes raw broker payloads in the workers
   * (`import.meta.resolve('@sluice/brokers/payloads')`), which gives the pool
   * `encodePayloads`. Default none: batches arrive as decoded records.
   */
  readonly payloadDecoder?: string;
}

export const PARSER_POOL_DEFAULTS = { eventBudgetMs: 1000 } as const;

/** A parsed batch, with what the pool measured about it. */
export interface ParsedBatch extends EncodedBatch {
  /**
   * Seconds the batch waited in the pool's queue before a worker started it (its last
   * attempt, when a time-budget overrun made it run again). The consumer runtime exports
   * it as `sluice_parser_queue_wait_seconds`.
   */
  readonly queueWaitSeconds: number;
}

/** Spent body buffers sent with one task: a worker uses one per batch, and keeps a few. */
const SPARE_BODIES_PER_TASK = 2;
/** A worker keeps 16 MiB of spare bodies at most (BulkWriter.recycle): a bigger one stays here for the collector. */
const MAX_SPENT_BODY_BYTES = 16 * 1024 * 1024;

/**
 * The worker entry always runs compiled JavaScript: from src/pool (tests) and from
 * dist/pool (production) the package root is two levels up.
 */
const WORKER_FILE = fileURLToPath(new URL('../../dist/pool/parse.worker.js', import.meta.url));

/**
 * Per-pattern counts the workers reported and the registry has not read yet: [matches,
 * misses, seconds] by pattern (bounded by the config). Adding here per batch and moving
 * them into the counters when the registry is read (`collect`) spares the main thread
 * prom-client's label hashing for every pattern of every batch.
 */
const unreadPatternStats = new Map<string, [number, number, number]>();

/** A `collect` hook moving one column of unreadPatternStats into its counter. */
function collectPatternColumn(column: 0 | 1 | 2) {
  return function (this: Counter<'pattern'>) {
    for (const [pattern, row] of unreadPatternStats) {
      if (row[column] > 0) this.inc({ pattern }, row[column]);
      row[column] = 0;
    }
  };
}

/**
 * The pool's metrics, declared on first use rather than when this module loads: the CLI
 * decides whether the process serves metrics at all (core `disableMetrics`) after loading it.
 */
function poolMetrics() {
  declaredMetrics ??= {
    patternMatches: counter<'pattern'>({
      name: 'sluice_parser_pattern_matches_total',
      help: 'Events a grok pattern matched.',
      labelNames: ['pattern'],
      collect: collectPatternColumn(0),
    }),
    patternMisses: counter<'pattern'>({
      name: 'sluice_parser_pattern_misses_total',
      help: 'Events a grok pattern was tried on and did not match.',
      labelNames: ['pattern'],
      collect: collectPatternColumn(1),
    }),
    patternSeconds: counter<'pattern'>({
      name: 'sluice_parser_pattern_seconds_total',
      help: 'Time spent matching a grok pattern, matched or not.',
      labelNames: ['pattern'],
      collect: collectPatternColumn(2),
    }),
    timeouts: counter({
      name: 'sluice_parser_timeouts_total',
      help: 'Events that overran the per-event time budget; each recycled a worker and was indexed unparsed (_groktimeout).',
    }),
  };
  return declaredMetrics;
}
let declaredMetrics:
  | {
      readonly patternMatches: Counter<'pattern'>;
      readonly patternMisses: Counter<'pattern'>;
      readonly patternSeconds: Counter<'pattern'>;
      readonly timeouts: Counter<string>;
    }
  | undefined;

function validate(options: ParserPoolOptions): {
  threads: number;
  minThreads: number;
  eventBudgetMs: number;
} {
  if (options === null || typeof options !== 'object')
    throw new ConfigError('parser pool options are required');
  if (typeof options.index !== 'string' || options.index === '') {
    throw new ConfigError(
      `parser "index" must be an index name or template, got ${JSON.stringify(options.index)}`,
      {
        hint: 'for example: logs-%{+yyyy.MM.dd}',
      },
    );
  }
  const threads = options.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new ConfigError(
      `parser "threads" must be an integer between 1 and 256, got ${String(options.threads)}`,
    );
  }
  const minThreads = options.minThreads ?? 1;
  if (!Number.isInteger(minThreads) || minThreads < 1 || minThreads > threads) {
    throw new ConfigError(
      `parser "minThreads" must be an integer between 1 and threads (${threads}), got ${String(options.minThreads)}`,
    );
  }
  const eventBudgetMs = options.eventBudgetMs ?? PARSER_POOL_DEFAULTS.eventBudgetMs;
  if (typeof eventBudgetMs !== 'number' || !(eventBudgetMs >= 10 && eventBudgetMs <= 60_000)) {
    throw new ConfigError(
      `parser "eventBudgetMs" must be between 10 and 60000, got ${String(options.eventBudgetMs)}`,
    );
  }
  if (options.payloadDecoder !== undefined && !String(options.payloadDecoder).startsWith('file:')) {
    throw new ConfigError(
      `parser "payloadDecoder" must be a file: URL of a module, got ${JSON.stringify(options.payloadDecoder)}`,
    );
  }
  return { threads, minThreads, eventBudgetMs };
}

/**
 * A task under the watchdog (ParserPool.watch): its worker's progress, how long it has
 * stayed on one record, and the task's abort signal. Piscina takes an EventEmitter-like
 * signal (`once`/`removeListener` and `aborted`) as well as an AbortSignal: this one costs a
 * field per task where an AbortController and its EventTarget listener cost the calling
 * thread a measurable part of its per-batch bookkeeping.
 */
class WatchedTask {
  /** Written by the worker: the record it is on (-1 not started, -2 done). */
  readonly progress = new Int32Array(new SharedArrayBuffer(4));
  seen = -1;
  since = performance.now();
  /** The record that overran the budget (the task was aborted), or -1. */
  overran = -1;
  aborted = false;
  private listener: (() => void) | undefined;

  constructor() {
    this.progress[0] = -1;
  }

  once(_event: 'abort', listener: () => void): void {
    this.listener = listener;
  }

  // Piscina's type names `off`; its code (5.x, abort.js) calls `removeListener`.
  off(_event: 'abort', _listener: () => void): void {
    this.listener = undefined;
  }

  removeListener(event: 'abort', listener: () => void): void {
    this.off(event, listener);
  }

  /** Piscina rejects the task and terminates its worker (then starts a fresh one when needed). */
  abort(at: number): void {
    if (this.aborted) return;
    this.overran = at;
    this.aborted = true;
    const listener = this.listener;
    this.listener = undefined;
    listener?.();
  }
}

/**
 * Parses batches of records in worker threads and returns them as bulk bodies.
 *
 * Safety: JavaScript regexes cannot be interrupted from inside, so a watchdog in this
 * thread reads which record each task is on (a SharedArrayBuffer the worker writes before
 * every record). When one record has been running longer than `eventBudgetMs`, the task
 * is aborted, which makes Piscina terminate that worker thread and start a fresh one; the
 * batch is then run again with that record marked to be emitted unparsed (tagged
 * `_groktimeout`). No record is lost and no worker stays stuck.
 *
 * Why not a linear-time engine instead: RE2 (the `re2` package) builds here only from
 * source (11 minutes on this machine) and, measured on an Apache access line, matches
 * 16-23x slower than V8's irregexp because of the per-call crossing into C++; it also
 * refuses the lookarounds that most grok patterns (and our atomic-group translation)
 * need. So the engine stays irregexp, the built-in patterns are written and tested to
 * stay near-linear on adversarial input (patterns.test.ts), and this watchdog bounds what
 * a user's pattern can cost.
 *
 * Size: each worker costs a third of a second of CPU to start, and its own garbage
 * collection and compilation after that, which a consumer held back by Elasticsearch
 * pays for nothing (one worker parses far faster than one Elasticsearch node indexes).
 * So the pool hands Piscina one batch per started worker, starts with `minThreads`, and
 * adds a worker, up to `threads`, when over two seconds in a row its workers were occupied
 * three quarters of the time and batches had to wait for one (`grow`, growth.ts). It only
 * grows: a consumer that needed the threads once is likely to need them again, and a
 * worker kept idle costs nothing but memory.
 */
export class ParserPool implements BatchEncoder {
  /** The most worker threads the pool may start. */
  readonly threads: number;
  /** Batches handed to Piscina at once: the workers started or being started. */
  private width: number;
  private running = 0;
  /** Batches waiting for a worker, in arrival order. */
  private readonly waiting: Array<() => void> = [];
  private readonly growth = new GrowthWindow(performance.now());
  /** Tasks in `run`, admitted or waiting: `close` lets them finish first. */
  private inFlight = 0;
  private drained: (() => void) | undefined;
  private readonly budgetMs: number;
  private readonly pool: Piscina<WorkerTask, WorkerResult>;
  private readonly logMetrics: LogMetricsExporter | undefined;
  private readonly metricDefinitions: readonly LogMetricDefinition[];
  private deadLetterEvaluator: LogMetricsEvaluator | undefined;
  /** Each parsed batch's logs-to-metrics rows, until `accepted` counts them (or the batch is dropped). */
  private readonly pendingMetrics = new WeakMap<EncodedBatch, readonly LogMetricRow[]>();
  /** Buffers of the bodies the workers made that `accepted` has not seen yet. */
  private readonly bodiesOut = new WeakSet<ArrayBuffer>();
  /** Buffers of accepted bodies, to go back to the workers with the next tasks. */
  private readonly spentBodies: ArrayBuffer[] = [];
  private closed = false;
  /** Set once no worker can start: every batch, running, waiting or new, fails with it. */
  private broken: ParseError | undefined;
  /** Tasks running or queued in Piscina, for the watchdog. */
  private readonly watched = new Set<WatchedTask>();
  private watchdog: ReturnType<typeof setInterval> | undefined;
  /** The watchdog's period: a quarter of the budget, 5..250 ms. */
  private readonly tick: number;
  // Piscina's own utilization reads 0 on Node 20 (its histogram units), so workers report
  // their busy time with each batch and the ratio is taken between two calls.
  private busySeconds = 0;
  private sampledBusy = 0;
  private sampledAt = performance.now();
  readonly encodePayloads?: (raw: RawPayloads) => Promise<EncodedPayloads>;

  private constructor(
    pool: Piscina<WorkerTask, WorkerResult>,
    threads: number,
    minThreads: number,
    budgetMs: number,
    logMetrics: LogMetricsExporter | undefined,
    metricDefinitions: readonly LogMetricDefinition[],
    decodesPayloads: boolean,
  ) {
    this.pool = pool;
    this.threads = threads;
    this.width = minThreads;
    this.budgetMs = budgetMs;
    this.tick = Math.max(5, Math.min(250, Math.floor(budgetMs / 4)));
    this.logMetrics = logMetrics;
    this.metricDefinitions = metricDefinitions;
    if (decodesPayloads) this.encodePayloads = (raw) => this.encodeRaw(raw);
  }

  /** Validates the pipeline and index template here first (ConfigError naming the problem), then starts the workers. */
  static async create(options: ParserPoolOptions): Promise<ParserPool> {
    const { threads, minThreads, eventBudgetMs } = validate(options);
    const { metrics } = await validateSource(options.pipeline);
    const logMetrics = metrics.length > 0 ? new LogMetricsExporter(metrics) : undefined;
    compileIndexName(
      options.index,
      options.indexMissing === undefined ? {} : { missing: options.indexMissing },
    );
    if (!existsSync(WORKER_FILE)) {
      throw new ConfigError(`parser worker ${WORKER_FILE} is missing`, {
        hint: 'build first: pnpm exec tsc -b',
      });
    }
    const workerData: WorkerData = {
      pipeline: options.pipeline,
      index: options.index,
      ...(options.indexMissing === undefined ? {} : { indexMissing: options.indexMissing }),
      metrics,
      ...(options.payloadDecoder === undefined ? {} : { payloadDecoder: options.payloadDecoder }),
    };
    const pool = new Piscina<WorkerTask, WorkerResult>({
      filename: WORKER_FILE,
      minThreads,
      maxThreads: threads,
      idleTimeout: Number.POSITIVE_INFINITY,
      concurrentTasksPerWorker: 1,
      // The run and wait histograms cost the calling thread per task, and nothing reads
      // them: workers report their own busy time (see `utilization`).
      recordTiming: false,
      workerData,
    });
    const parserPool = new ParserPool(
      pool,
      threads,
      minThreads,
      eventBudgetMs,
      logMetrics,
      metrics,
      options.payloadDecoder !== undefined,
    );
    // A worker thread that dies while starting, before our code runs (so without the
    // marked failure parse.worker.ts answers with), makes Piscina stop starting workers:
    // batches queued for one would wait forever. Piscina replaces any other worker it
    // removes (an overrun, a crash) in the same turn, so none left after it means that.
    let lastError = 'a parser worker thread exited while starting';
    const checkWorkers = () =>
      setImmediate(() => {
        if (!parserPool.closed && pool.threads.length === 0) parserPool.fail(lastError);
      });
    pool.on('workerDestroy', checkWorkers);
    // Emitted for a worker that died with no task on it; without a listener it would
    // crash the process with Piscina's stack instead of the pool's error.
    pool.on('error', (error: unknown) => {
      lastError = errorText(error);
      checkWorkers();
    });
    return parserPool;
  }

  /**
   * Parses one batch. Resolves with one item per record that was not dropped, in record
   * order. Rejects only if the pool is closed or a worker fails for a reason other than
   * the time budget (a bug, not bad data).
   */
  async encode(records: readonly InboundRecord[]): Promise<ParsedBatch> {
    if (this.closed) throw new ParseError('parser pool is closed');
    if (records.length === 0) {
      return {
        body: new Uint8Array(0),
        starts: new Int32Array(1),
        recordIndex: new Int32Array(0),
        dropped: 0,
        failures: {},
        queueWaitSeconds: 0,
      };
    }
    return this.run(toWire(records));
  }

  /**
   * Decodes raw broker payloads and parses their records in a worker: this thread sends
   * the shared bytes and receives the bulk body, nothing per record. Rejects as `encode`.
   */
  private async encodeRaw(raw: RawPayloads): Promise<EncodedPayloads> {
    if (this.closed) throw new ParseError('parser pool is closed');
    const batch = await this.run({ raw });
    const decoded = batch.decoded;
    if (decoded === undefined) throw new ParseError('parser worker returned no decoded payloads');
    const { decoded: _d, ...encoded } = batch;
    const out: EncodedPayloads = { ...encoded, ...decoded };
    // accepted() receives `out`: its logs-to-metrics rows move with it.
    const rows = this.pendingMetrics.get(batch);
    if (rows !== undefined) {
      this.pendingMetrics.delete(batch);
      this.pendingMetrics.set(out, rows);
    }
    return out;
  }

  /** Runs one task under the watchdog (see the class comment), again with the slow record skipped while one overruns. */
  private async run(
    body: WireBatch | PayloadsBatch,
  ): Promise<ParsedBatch & { decoded?: WorkerResult['decoded'] }> {
    if (this.broken !== undefined) throw this.broken;
    this.inFlight++;
    // Its wait for a worker counts in the batch's queue wait (sluice_parser_queue_wait_seconds).
    const queuedAt = performance.timeOrigin + performance.now();
    try {
      await this.admit();
      try {
        return await this.attempt(body, queuedAt);
      } finally {
        this.release();
      }
    } finally {
      if (--this.inFlight === 0) this.drained?.();
    }
  }

  private async attempt(
    body: WireBatch | PayloadsBatch,
    queuedAt: number,
  ): Promise<ParsedBatch & { decoded?: WorkerResult['decoded'] }> {
    const skip: number[] = [];
    for (;;) {
      if (this.broken !== undefined) throw this.broken;
      const watched = this.watch();
      const progress = watched.progress;
      const started = performance.now();
      try {
        // A buffer detached since (transferred by someone else) would fail the whole task.
        const spareBodies = this.spentBodies.splice(0, SPARE_BODIES_PER_TASK).filter((b) => b.byteLength > 0);
        const result = await this.pool.run({ ...body, progress, skip, queuedAt, spareBodies } as WorkerTask, {
          signal: watched,
          transferList: spareBodies,
        });
        // The slot was taken from submission to answer: parsing, and a fresh worker's start-up
        // after a recycled one (which its own busy time leaves out).
        this.record(result, (performance.now() - started) / 1000);
        if (result.body.buffer instanceof ArrayBuffer) this.bodiesOut.add(result.body.buffer);
        const { stats: _stats, busySeconds: _busy, waitSeconds, logMetrics, ...encoded } = result;
        const batch: ParsedBatch & { decoded?: WorkerResult['decoded'] } = {
          ...encoded,
          queueWaitSeconds: waitSeconds,
        };
        if (logMetrics.length > 0) this.pendingMetrics.set(batch, logMetrics);
        return batch;
      } catch (error) {
        const message = errorText(error);
        if (message.startsWith(WORKER_START_FAILED)) this.fail(message.slice(WORKER_START_FAILED.length));
        if (this.broken !== undefined) throw this.broken;
        const overran = watched.overran;
        if (overran < 0 || this.closed) throw error;
        skip.push(overran);
        poolMetrics().timeouts.inc();
        // The recycled worker sent no busy time, but it was busy all along: a stream of
        // overrunning lines is a reason to add a worker, so batches behind it go on.
        this.grow((performance.now() - started) / 1000);
      } finally {
        this.watched.delete(watched);
      }
    }
  }

  /**
   * Puts a task under the pool's watchdog: one timer for every running task (a timer per
   * task cost the main thread more than the rest of its bookkeeping per batch), which stops
   * itself when none runs.
   */
  private watch(): WatchedTask {
    const task = new WatchedTask();
    this.watched.add(task);
    // Unreferenced: a running task keeps the process alive through its worker, and an idle
    // pool's last tick must not.
    this.watchdog ??= setInterval(() => this.checkBudgets(), this.tick).unref();
    return task;
  }

  /**
   * Aborts a task whose record has held its worker longer than the budget, which makes
   * Piscina terminate that worker (a regex cannot be interrupted in its own thread).
   */
  private checkBudgets(): void {
    if (this.watched.size === 0) {
      clearInterval(this.watchdog);
      this.watchdog = undefined;
      return;
    }
    const now = performance.now();
    for (const task of this.watched) {
      const at = Atomics.load(task.progress, 0);
      if (at !== task.seen) {
        task.seen = at;
        task.since = now;
      } else if (at >= 0 && now - task.since > this.budgetMs) task.abort(at);
    }
  }

  /**
   * Counts a batch's logs-to-metrics rows: call it once the sink accepted the batch
   * (every item indexed, a duplicate or dead-lettered), so a batch handed back to the
   * broker is counted only when its redelivery is written. A second call for the same
   * batch counts nothing. Counts are at-least-once: a batch written, then redelivered
   * because the process died before acknowledging it, counts again.
   */
  accepted(batch: EncodedBatch, outcome?: { readonly deadLetteredItems?: readonly number[] }): void {
    this.recycle(batch.body);
    const rows = this.pendingMetrics.get(batch);
    if (rows === undefined) return;
    this.pendingMetrics.delete(batch);
    const dead = outcome?.deadLetteredItems ?? [];
    this.logMetrics?.add(dead.length === 0 ? rows : subtractRows(rows, this.contributions(batch, dead)));
  }

  /**
   * Keeps an accepted body's buffer to send back to a worker: writing into memory it has
   * written before spares a worker the page faults of a fresh buffer, about a microsecond
   * per line (BulkWriter.recycle). Only a body a worker made, once: the sink has finished
   * with it when it accepts the batch (every request that carried its bytes has had its
   * response; see BatchSink.write and BatchEncoder.accepted), and nothing reads it after.
   */
  private recycle(body: Uint8Array): void {
    const buffer = body.buffer;
    if (!(buffer instanceof ArrayBuffer) || !this.bodiesOut.has(buffer)) return;
    this.bodiesOut.delete(buffer);
    const size = buffer.byteLength;
    if (
      size > 0 &&
      size <= MAX_SPENT_BODY_BYTES &&
      this.spentBodies.length < this.threads * SPARE_BODIES_PER_TASK * 2
    )
      this.spentBodies.push(buffer);
  }

  /**
   * What the given items added to the batch's logs-to-metrics rows, measured again on the
   * main thread from the documents the workers wrote (dead letters are the exception, so
   * this runs rarely and on few items).
   */
  private contributions(batch: EncodedBatch, items: readonly number[]): LogMetricRow[] {
    this.deadLetterEvaluator ??= new LogMetricsEvaluator(this.metricDefinitions);
    for (const i of items) {
      const source = itemText(batch, i).split('\n')[1];
      if (source) this.deadLetterEvaluator.observe(JSON.parse(source) as LogEvent);
    }
    return this.deadLetterEvaluator.drain();
  }

  /**
   * No worker can start (the pipeline does not compile in a worker, a module it needs does
   * not load, the thread itself fails): no batch can be parsed, now or later, so each fails
   * with a non-retriable error that stops the consumer (its batches go back to the broker)
   * rather than being retried or isolated line by line for ever.
   */
  private fail(reason: string): void {
    if (this.broken !== undefined) return;
    this.broken = new ParseError(`a parser worker could not start: ${reason.split('\n')[0]}`, {
      cause: reason,
      hint: 'the pipeline compiled on the main thread, so look at what a worker thread does differently: a file it reads (a geoip database), its memory, an incomplete build (pnpm install, pnpm exec tsc -b)',
    });
    // Batches waiting for a slot see `broken` once woken; those queued in Piscina are
    // aborted (their worker will never come).
    for (const next of this.waiting.splice(0)) {
      this.running++;
      next();
    }
    for (const task of this.watched) task.abort(-1);
  }

  /** Waits for a started worker to be free (in arrival order). */
  private admit(): Promise<void> | undefined {
    if (this.running < this.width) {
      this.running++;
      return undefined;
    }
    this.growth.waited();
    // release() or grow() counts the slot as running before it wakes this batch.
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next === undefined) this.running--;
    else next();
  }

  /** Adds a worker, up to `threads`, when the growth window says the started ones are saturated (growth.ts). */
  private grow(occupiedSeconds: number): void {
    const grow = this.growth.observe(occupiedSeconds, performance.now(), this.width, this.waiting.length > 0);
    if (!grow || this.width >= this.threads) return;
    this.width++;
    // Piscina starts the new worker for the batch it cannot place; with nothing waiting now,
    // the slot opens for the next batch.
    const next = this.waiting.shift();
    if (next !== undefined) {
      this.running++;
      next();
    }
  }

  /**
   * The pool's size now: workers it keeps busy at once, `minThreads` up to `threads` (Piscina
   * starts each when it is first needed; a worker being replaced after an overrun counts once).
   */
  get startedThreads(): number {
    return this.width;
  }

  private record(result: WorkerResult, occupiedSeconds: number): void {
    this.busySeconds += result.busySeconds;
    this.grow(occupiedSeconds);
    // Declared before the first read of the registry that should show them.
    if (declaredMetrics === undefined) poolMetrics();
    for (const [pattern, matches, misses, seconds] of result.stats) {
      const row = unreadPatternStats.get(pattern);
      if (row === undefined) unreadPatternStats.set(pattern, [matches, misses, seconds]);
      else {
        row[0] += matches;
        row[1] += misses;
        row[2] += seconds;
      }
    }
  }

  /**
   * Share of the workers' capacity spent parsing since the previous call (0..1), for a
   * gauge sampled at scrape time. Near 1 means more threads (or consumers) would help.
   */
  utilization(): number {
    const now = performance.now();
    const elapsed = (now - this.sampledAt) / 1000;
    const busy = this.busySeconds - this.sampledBusy;
    this.sampledAt = now;
    this.sampledBusy = this.busySeconds;
    if (elapsed <= 0) return 0;
    return Math.min(1, busy / (elapsed * this.threads));
  }

  /** Waits for running batches, then stops the workers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Batches waiting for a worker are in flight as much as the running ones.
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    clearInterval(this.watchdog);
    this.watchdog = undefined;
    await this.pool.close();
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
