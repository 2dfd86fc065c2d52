import type { Consumer, InboundBatch } from '@sluice/brokers';
import {
  type BatchEncoder,
  type BatchSink,
  type BatchWriteOutcome,
  counter,
  createLogger,
  type EncodedBatch,
  type EncodedBatchWithWait,
  type EncodedPayloads,
  errorChain,
  gauge,
  histogram,
  type InboundRecord,
  type Logger,
  type RawPayloads,
  type RecordRefs,
  SluiceError,
} from '@sluice/core';
import {
  parserEvents,
  parserFailures,
  parserPoolUtilization,
  parserQueueWait,
  parserThreads,
} from '@sluice/parser/pool';
import { type BudgetLimits, InFlightBudget } from './budget.js';

export interface ConsumerRuntimeOptions {
  readonly consumer: Consumer;
  readonly encoder: BatchEncoder;
  readonly sink: BatchSink;
  readonly budget?: Partial<BudgetLimits>;
  /** Stop after this long with nothing in flight and nothing received. */
  readonly exitWhenIdleMs?: number;
  /** How often lag is sampled (the adapters export it as `sluice_consumer_lag_records`). Default 5 s. */
  readonly lagIntervalMs?: number;
  readonly logger?: Logger;
  /**
   * Times in a row the encoder may reject a batch (a worker crash, a bug: not a time
   * budget, which the pool handles per record) before the batch is split in halves to
   * find the record that does it; a record that fails this many times alone is
   * dead-lettered and the rest of its batch goes on. Default 3.
   */
  readonly poisonAttempts?: number;
}

/** `error.type` of a record dead-lettered because the parser failed on it alone. */
export const POISON_ERROR_TYPE = 'processor_failure';

export interface RunSummary {
  readonly batches: number;
  readonly records: number;
  readonly indexed: number;
  readonly duplicates: number;
  readonly deadLettered: number;
  readonly dropped: number;
  readonly parseFailures: number;
  readonly retried: number;
}

export const DEFAULT_BUDGET: BudgetLimits = { maxEvents: 20_000, maxBytes: 32 * 1024 * 1024, resumeAt: 0.5 };

const inflightEvents = () =>
  gauge({
    name: 'sluice_consumer_inflight_events',
    help: 'Events received from the broker and not yet acknowledged.',
  });
const inflightBytes = () =>
  gauge({
    name: 'sluice_consumer_inflight_bytes',
    help: 'Bytes of raw lines received and not yet acknowledged.',
  });
const pausedSeconds = () =>
  counter({
    name: 'sluice_consumer_paused_seconds_total',
    help: 'Time the broker consumer spent paused by the in-flight budget.',
  });
const recordsTotal = () =>
  counter<'outcome'>({
    name: 'sluice_consumer_records_total',
    help: 'Records finished by the consumer runtime, by outcome.',
    labelNames: ['outcome'],
  });
const endToEnd = () =>
  histogram({
    name: 'sluice_consumer_end_to_end_seconds',
    help: 'Time from the shipper reading a line to its acknowledgement after indexing.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  });
/**
 * The consumer-group runtime: broker consumer -> parser pool -> sink, with the
 * acknowledgement to the broker only after the sink resolved (see "Guarantees" in the README).
 */
export class ConsumerRuntime {
  private readonly log: Logger;
  private readonly budget: InFlightBudget;
  private readonly summary = {
    batches: 0,
    records: 0,
    indexed: 0,
    duplicates: 0,
    deadLettered: 0,
    dropped: 0,
    parseFailures: 0,
    retried: 0,
  };
  private lastActivity = Date.now();
  private inFlightBatches = 0;
  private stopping: Promise<void> | undefined;
  private fatal: unknown;
  private lastPausedMs = 0;

  constructor(private readonly options: ConsumerRuntimeOptions) {
    this.log = options.logger ?? createLogger();
    this.budget = new InFlightBudget(
      { ...DEFAULT_BUDGET, ...options.budget },
      () => {
        this.log.debug('in-flight budget spent: pausing the broker');
        options.consumer.pause();
      },
      () => {
        this.log.debug('in-flight budget available: resuming the broker');
        options.consumer.resume();
      },
    );
  }

  /** Events and bytes currently held; for tests and `/readyz`. */
  get inFlight(): { events: number; bytes: number; paused: boolean } {
    return { events: this.budget.events, bytes: this.budget.bytes, paused: this.budget.paused };
  }

  /** Consumes until `stop()` or idle timeout; rejects if a fatal error stopped it. */
  async run(): Promise<RunSummary> {
    const timers: NodeJS.Timeout[] = [];
    const tick = setInterval(() => this.publishGauges(), 1_000);
    timers.push(tick);
    timers.push(setInterval(() => void this.sampleLag(), this.options.lagIntervalMs ?? 5_000));
    if (this.options.exitWhenIdleMs !== undefined) {
      const idleMs = this.options.exitWhenIdleMs;
      let checking = false;
      timers.push(
        setInterval(
          () => {
            if (checking || this.stopping !== undefined || this.inFlightBatches > 0) return;
            if (Date.now() - this.lastActivity < idleMs) return;
            checking = true;
            void this.groupHasLag()
              .then((pending) => {
                // Records still waiting for the group (a Kafka rebalance that has not handed this
                // member its partitions yet, a dead consumer's batch not reclaimed yet) are not idleness.
                if (pending || this.stopping !== undefined) return;
                this.log.info('idle: nothing received and no lag', { idleSeconds: idleMs / 1_000 });
                void this.stop();
              })
              .finally(() => {
                checking = false;
              });
          },
          Math.min(500, idleMs),
        ),
      );
    }
    try {
      await this.options.consumer.run((batch) => this.handle(batch));
    } finally {
      for (const timer of timers) clearInterval(timer);
      this.publishGauges();
      await this.sampleLag();
    }
    if (this.fatal !== undefined) throw this.fatal;
    return { ...this.summary };
  }

  /** Stops pulling, lets in-flight batches finish and be acknowledged, and leaves the group. */
  stop(): Promise<void> {
    this.stopping ??= this.options.consumer.close();
    return this.stopping;
  }

  private async handle(batch: InboundBatch): Promise<void> {
    const raw = this.options.encoder.encodePayloads === undefined ? undefined : batch.raw;
    // A raw batch is counted by its payloads until the workers say how many records they
    // held (a frame is many), and by its payload bytes: the lines and what wraps them.
    let events = raw === undefined ? batch.records.length : raw.ends.length;
    let bytes = 0;
    if (raw === undefined) for (const record of batch.records) bytes += record.line.length;
    else bytes = raw.bytes.byteLength;
    this.lastActivity = Date.now();
    this.inFlightBatches++;
    this.budget.acquire(events, bytes);
    let records = events;
    try {
      const t0 = performance.now();
      const fromWorkers = raw === undefined ? undefined : await this.encodePayloads(raw);
      let encoded: EncodedBatchWithWait;
      let parts: readonly EncodedBatch[];
      let poisoned = 0;
      let refs: RecordRefs;
      if (fromWorkers !== undefined) {
        batch.payloadsDecoded?.(fromWorkers.records, fromWorkers.poison);
        records = fromWorkers.records;
        if (records > events) {
          this.budget.acquire(records - events, 0);
          events = records;
        }
        encoded = fromWorkers;
        parts = [fromWorkers];
        // Only a dead letter looks a record up: the batch decodes its payloads on this thread then.
        refs = { length: records, at: (i) => batch.records[i] };
      } else {
        const decoded = batch.records;
        records = decoded.length;
        if (records > events) {
          this.budget.acquire(records - events, 0);
          events = records;
        }
        const isolated = await this.encodeIsolating(decoded);
        if (isolated.poison.length > 0) await this.deadLetterPoison(isolated.poison);
        encoded = isolated.encoded;
        parts = isolated.parts;
        poisoned = isolated.poison.length;
        refs = decoded;
      }
      const t1 = performance.now();
      if (encoded.queueWaitSeconds !== undefined) parserQueueWait().observe(encoded.queueWaitSeconds);
      this.countParse(encoded, records - poisoned);
      const outcome = await this.options.sink.write(encoded, refs);
      const t2 = performance.now();
      this.acceptParts(parts, outcome);
      await batch.ack();
      this.log.debug('batch done', {
        records,
        parseMs: Math.round(t1 - t0),
        indexMs: Math.round(t2 - t1),
        ackMs: Math.round(performance.now() - t2),
      });
      this.summary.batches++;
      this.summary.records += records;
      this.summary.indexed += outcome.indexed;
      this.summary.duplicates += outcome.duplicates;
      this.summary.deadLettered += outcome.deadLettered + poisoned;
      this.summary.dropped += encoded.dropped;
      recordsTotal().inc({ outcome: 'acked' }, records);
      const now = Date.now();
      const latency = endToEnd();
      if (fromWorkers !== undefined) {
        const shipped = fromWorkers.shippedAt;
        for (let i = 0; i < shipped.length; i++) {
          const at = shipped[i] as number;
          if (at <= now) latency.observe((now - at) / 1_000);
        }
      } else {
        for (const record of batch.records) {
          if (record.shippedAt !== undefined && record.shippedAt <= now)
            latency.observe((now - record.shippedAt) / 1_000);
        }
      }
    } catch (error) {
      this.summary.retried += records;
      recordsTotal().inc({ outcome: 'retried' }, records);
      if (error instanceof SluiceError && !error.retriable) {
        // Retrying cannot help (credentials, privileges): hand the batch back and stop the whole consumer.
        // Not logged here: run() rejects with this error and the command prints it once.
        this.fatal ??= error;
        await batch.retryLater().catch(() => {});
        void this.stop();
      } else {
        this.log.warn('batch handed back to the broker for redelivery', {
          error: errorChain(error),
          records,
        });
        await batch
          .retryLater()
          .catch((e: unknown) => this.log.warn('could not hand back batch', { error: errorChain(e) }));
      }
    } finally {
      this.budget.release(events, bytes);
      this.inFlightBatches--;
      this.lastActivity = Date.now();
    }
  }

  /**
   * Decodes and parses a raw batch in the workers, once. If that fails (a worker crash, a
   * record the parser throws on), resolves undefined: the caller decodes the payloads on
   * this thread and encodes the records with encodeIsolating, which retries and isolates
   * the one line that does it, so a frame's lines keep their own outcomes. A failure while
   * stopping, or a non-retriable SluiceError, is rethrown (the batch is handed back).
   */
  private async encodePayloads(raw: RawPayloads): Promise<EncodedPayloads | undefined> {
    try {
      return await (this.options.encoder.encodePayloads as (raw: RawPayloads) => Promise<EncodedPayloads>)(
        raw,
      );
    } catch (error) {
      if (this.stopping !== undefined || (error instanceof SluiceError && !error.retriable)) throw error;
      this.log.warn('the parser failed on a batch of raw payloads; decoding it here to isolate the record', {
        error: errorChain(error),
        payloads: raw.ends.length,
      });
      return undefined;
    }
  }

  /**
   * Encodes a batch so that one record cannot hold back the others forever. The encoder
   * is tried `poisonAttempts` times in a row; if it still rejects, the batch is split in
   * halves and each is encoded the same way, down to single records. A record that fails
   * alone is returned in `poison` (to dead-letter); the items of the halves that worked are
   * joined back into one batch whose `recordIndex` points into `records`. A failure while
   * stopping, or a non-retriable SluiceError, is rethrown (the batch is handed back).
   */
  private async encodeIsolating(records: readonly InboundRecord[]): Promise<{
    encoded: EncodedBatchWithWait;
    parts: readonly EncodedBatch[];
    poison: Array<{ record: InboundRecord; error: unknown }>;
  }> {
    const attempts = this.options.poisonAttempts ?? 3;
    const poison: Array<{ record: InboundRecord; error: unknown }> = [];
    const parts: Array<{ batch: EncodedBatchWithWait; offset: number }> = [];
    const encodeRange = async (from: number, to: number, tries: number): Promise<void> => {
      const slice = from === 0 && to === records.length ? records : records.slice(from, to);
      let lastError: unknown;
      for (let attempt = 0; attempt < tries; attempt++) {
        try {
          parts.push({ batch: await this.options.encoder.encode(slice), offset: from });
          return;
        } catch (error) {
          if (this.stopping !== undefined || (error instanceof SluiceError && !error.retriable)) throw error;
          lastError = error;
        }
      }
      if (to - from === 1) {
        poison.push({ record: records[from] as InboundRecord, error: lastError });
        return;
      }
      this.log.warn('the parser failed on this batch every time; splitting it to isolate the record', {
        error: errorChain(lastError),
        records: to - from,
      });
      const middle = from + Math.ceil((to - from) / 2);
      // A half that fails once is split again at once; only single records get every attempt.
      await encodeRange(from, middle, middle - from === 1 ? attempts : 1);
      await encodeRange(middle, to, to - middle === 1 ? attempts : 1);
    };
    await encodeRange(0, records.length, attempts);
    if (poison.length > 0 && parts.length === 0) {
      // Not one record went through: before dead-lettering them all, make sure the parser
      // works at all (a pool that cannot start fails every record: that is an outage to
      // retry, not poison). An empty line is a record every pipeline handles.
      try {
        await this.options.encoder.encode([{ id: 'sluice-probe', line: '', format: 'raw', origin: 'probe' }]);
      } catch (error) {
        throw poison[0]?.error ?? error;
      }
    }
    const whole = parts.length === 1 && parts[0]?.offset === 0 ? parts[0].batch : undefined;
    return { encoded: whole ?? joinBatches(parts), parts: parts.map((p) => p.batch), poison };
  }

  /**
   * Tells the encoder which parts the sink accepted. The sink numbered its dead-lettered
   * items across the joined batch; each part gets its own items back, renumbered.
   */
  private acceptParts(parts: readonly EncodedBatch[], outcome: BatchWriteOutcome): void {
    const accepted = this.options.encoder.accepted;
    if (accepted === undefined) return;
    if (parts.length === 1) {
      accepted.call(this.options.encoder, parts[0] as EncodedBatch, outcome);
      return;
    }
    const dead = outcome.deadLetteredItems ?? [];
    let first = 0;
    for (const part of parts) {
      const items = part.starts.length - 1;
      const mine = dead.filter((i) => i >= first && i < first + items).map((i) => i - first);
      accepted.call(this.options.encoder, part, { ...outcome, deadLetteredItems: mine });
      first += items;
    }
  }

  private async deadLetterPoison(
    poison: ReadonlyArray<{ record: InboundRecord; error: unknown }>,
  ): Promise<void> {
    for (const { record, error } of poison) {
      this.log.warn('dead-lettering a record the parser fails on', {
        id: record.id,
        origin: record.origin,
        error: errorChain(error),
      });
    }
    recordsTotal().inc({ outcome: 'poison' }, poison.length);
    const sink = this.options.sink;
    if (sink.deadLetterRecords === undefined) {
      throw new SluiceError('the parser fails on a record and this sink cannot dead-letter it', {
        retriable: true,
      });
    }
    // Grouped by reason so each dead letter says what its own record did.
    const byReason = new Map<string, InboundRecord[]>();
    const attempts = this.options.poisonAttempts ?? 3;
    const times = attempts === 1 ? 'once' : `${attempts} times`;
    for (const { record, error } of poison) {
      const reason = `the parser failed on this record ${times}: ${errorChain(error)}`;
      byReason.set(reason, [...(byReason.get(reason) ?? []), record]);
    }
    for (const [reason, group] of byReason) {
      await sink.deadLetterRecords(group, { type: POISON_ERROR_TYPE, reason });
    }
  }

  private countParse(encoded: EncodedBatch, records: number): void {
    let failed = 0;
    for (const [tag, count] of Object.entries(encoded.failures)) {
      parserFailures().inc({ tag }, count);
      failed = Math.max(failed, count);
    }
    this.summary.parseFailures += failed;
    const events = parserEvents();
    if (encoded.dropped > 0) events.inc({ outcome: 'dropped' }, encoded.dropped);
    if (failed > 0) events.inc({ outcome: 'failed' }, failed);
    events.inc({ outcome: 'parsed' }, Math.max(0, records - encoded.dropped - failed));
  }

  private publishGauges(): void {
    inflightEvents().set(this.budget.events);
    inflightBytes().set(this.budget.bytes);
    if (this.options.encoder.utilization) parserPoolUtilization().set(this.options.encoder.utilization());
    if (this.options.encoder.startedThreads !== undefined)
      parserThreads().set(this.options.encoder.startedThreads);
    const pausedMs = this.budget.pausedMs();
    if (pausedMs > this.lastPausedMs) {
      pausedSeconds().inc((pausedMs - this.lastPausedMs) / 1_000);
      this.lastPausedMs = pausedMs;
    }
  }

  /**
   * True when the broker reports records not yet acknowledged by the group, and also when
   * lag cannot be read: a broker that is down or restarting is the moment it may hold a
   * backlog, and exiting then would leave work behind that `--exit-when-idle` promised to finish.
   */
  private async groupHasLag(): Promise<boolean> {
    try {
      const samples = await this.options.consumer.lag();
      return samples.some((s) => s.lag > 0);
    } catch (error) {
      this.log.warn('idle, but the broker cannot say whether records are waiting; not exiting yet', {
        error: errorChain(error),
      });
      return true;
    }
  }

  /** Each adapter records what `lag()` returns in `sluice_consumer_lag_records`; sampling it on a timer keeps the gauge fresh. */
  private async sampleLag(): Promise<void> {
    try {
      await this.options.consumer.lag();
    } catch (error) {
      this.log.debug('lag sample failed', { error: errorChain(error) });
    }
  }
}

/** Joins encoded parts of one batch (in record order) into one, `recordIndex` made relative to the whole batch. */
export function joinBatches(
  parts: ReadonlyArray<{ batch: EncodedBatchWithWait; offset: number }>,
): EncodedBatchWithWait {
  let items = 0;
  let bytes = 0;
  for (const { batch } of parts) {
    items += batch.recordIndex.length;
    bytes += batch.body.length;
  }
  const body = new Uint8Array(bytes);
  const starts = new Int32Array(items + 1);
  const recordIndex = new Int32Array(items);
  const failures: Record<string, number> = {};
  let dropped = 0;
  let queueWaitSeconds = 0;
  let item = 0;
  let at = 0;
  for (const { batch, offset } of parts) {
    body.set(batch.body, at);
    for (let i = 0; i < batch.recordIndex.length; i++) {
      starts[item] = at + (batch.starts[i] as number);
      recordIndex[item] = offset + (batch.recordIndex[i] as number);
      item++;
    }
    at += batch.body.length;
    dropped += batch.dropped;
    for (const [tag, count] of Object.entries(batch.failures)) failures[tag] = (failures[tag] ?? 0) + count;
    queueWaitSeconds += batch.queueWaitSeconds ?? 0;
  }
  starts[items] = at;
  return { body, starts, recordIndex, dropped, failures, queueWaitSeconds };
}
