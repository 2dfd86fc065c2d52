import { compileIndexName, indexNameReadsFields, type LogEvent } from '@sluice/core';
import { Piscina, workerData } from 'piscina';
import { drainPatternStats } from '../grok/stats.js';
import { LogMetricsEvaluator } from '../log-metrics/evaluator.js';
import type { CompiledPipeline } from '../pipeline/compile.js';
import { encodeRecords, recycleBody } from './encode.js';
import type { RecordInput } from './event.js';
import { compileSource } from './source.js';
import {
  fromWire,
  isPayloadsTask,
  type PayloadDecoderModule,
  WORKER_START_FAILED,
  type WorkerData,
  type WorkerResult,
  type WorkerTask,
} from './wire.js';

/**
 * Piscina worker entry: compiles the pipeline once when the thread starts, then turns
 * each batch (a few strings and typed arrays, see wire.ts) into an EncodedBatch plus the
 * pattern statistics gathered since the previous batch and the batch's logs-to-metrics rows.
 */
interface WorkerState {
  readonly pipeline: CompiledPipeline;
  readonly indexName: ReturnType<typeof compileIndexName>;
  readonly indexReadsFields: boolean;
  readonly decoder: PayloadDecoderModule | undefined;
  readonly evaluator: LogMetricsEvaluator | undefined;
}

async function start(data: WorkerData): Promise<WorkerState> {
  const parse = await compileSource(data.pipeline);
  const indexName = compileIndexName(
    data.index,
    data.indexMissing === undefined ? {} : { missing: data.indexMissing },
  );
  const decoder =
    data.payloadDecoder === undefined
      ? undefined
      : ((await import(data.payloadDecoder)) as PayloadDecoderModule);
  const evaluator = data.metrics.length > 0 ? new LogMetricsEvaluator(data.metrics) : undefined;
  // Metrics see each event the pipeline kept (a dropped one returns null and is not counted),
  // with its parsed fields, before it is serialized.
  const pipeline: CompiledPipeline =
    evaluator === undefined
      ? parse
      : (event: LogEvent) => {
          const out = parse(event);
          if (out !== null) evaluator.observe(out);
          return out;
        };
  return { pipeline, indexName, indexReadsFields: indexNameReadsFields(data.index), decoder, evaluator };
}

// A start that throws here would kill the thread before it takes a task: Piscina then
// stops starting workers and the batches queued for them would wait forever. So the
// failure is kept and every task answers with it, marked, and the pool fails its batches
// with a clear error instead (ParserPool, WORKER_START_FAILED).
const state: WorkerState | { readonly failure: string } = await start(workerData as WorkerData).catch(
  (error: unknown) => ({ failure: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
);

function wallClockMs(): number {
  // Each thread has its own timeOrigin; their sums are on the one shared clock.
  return performance.timeOrigin + performance.now();
}

/**
 * Piscina's protocol for a result that carries its own transfer list: the value, the
 * transferables, and `Piscina.move` marking it so the worker posts it with that list.
 */
interface MovableResult {
  readonly [key: symbol]: unknown;
}

/**
 * The body, starts and recordIndex buffers are transferred to the main thread, not
 * copied: a copy of the ~400 KB body per batch cost the main thread more than the worker's
 * own encoding saves it (measured in benchmarks/parse). Each buffer is owned by this
 * result alone (BulkWriter.take; the Int32Arrays are fresh or sliced), so detaching them
 * here takes nothing from anyone. The body's buffer may come back with a later task
 * (`spareBodies`) once the consumer is done with it.
 */
function transferred(result: WorkerResult): WorkerResult {
  const movable: MovableResult = {
    [Piscina.valueSymbol]: result,
    [Piscina.transferableSymbol]: [
      result.body.buffer,
      result.starts.buffer,
      result.recordIndex.buffer,
      ...(result.decoded === undefined ? [] : [result.decoded.shippedAt.buffer]),
    ],
  };
  // The worker hands back what move() returns; the main thread receives `result` itself.
  return Piscina.move(movable as unknown as Parameters<typeof Piscina.move>[0]) as unknown as WorkerResult;
}

/**
 * Decodes a payload task's records. The lines of one frame share its `fields` values
 * (decodeFrame copies the object, not the arrays in it), and the pipeline may change an
 * event's fields in place (`owned`): each line after a frame's first gets its own copy of
 * any nested value, as it would have after crossing from the main thread.
 */
function decodeTask(
  decoder: PayloadDecoderModule | undefined,
  raw: Parameters<PayloadDecoderModule['decodePayloads']>[0],
): {
  records: RecordInput[];
  decoded: NonNullable<WorkerResult['decoded']>;
} {
  if (decoder === undefined) throw new Error('this parser pool was started without a payload decoder');
  const { records, poison, framed } = decoder.decodePayloads(raw);
  const shippedAt = new Float64Array(records.length);
  // Only a frame's lines share values; without one there is nothing to copy.
  const seen = framed === true ? new Set<object>() : undefined;
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as (typeof records)[number];
    shippedAt[i] = record.shippedAt ?? Number.NaN;
    if (seen === undefined) continue;
    const fields = record.fields as Record<string, unknown> | undefined;
    if (fields === undefined) continue;
    for (const key in fields) {
      const value = fields[key];
      if (value === null || typeof value !== 'object') continue;
      if (seen.has(value)) fields[key] = structuredClone(value);
      else seen.add(value);
    }
  }
  return { records, decoded: { records: records.length, shippedAt, poison } };
}

export default function parseBatch(task: WorkerTask): WorkerResult {
  if ('failure' in state) throw new Error(`${WORKER_START_FAILED}${state.failure}`);
  const { pipeline, indexName, indexReadsFields, decoder, evaluator } = state;
  const waitSeconds = Math.max(0, (wallClockMs() - task.queuedAt) / 1000);
  const started = performance.now();
  // A previous task that threw part-way must not leak its rows into this one.
  evaluator?.drain();
  for (const buffer of task.spareBodies ?? []) recycleBody(new Uint8Array(buffer));
  let records: RecordInput[];
  let decoded: WorkerResult['decoded'];
  if (isPayloadsTask(task)) ({ records, decoded } = decodeTask(decoder, task.raw));
  else records = fromWire(task);
  const batch = encodeRecords(records, {
    pipeline,
    indexName,
    indexReadsFields,
    progress: task.progress,
    ...(task.skip.length > 0 ? { skip: new Set(task.skip) } : {}),
  });
  return transferred({
    ...batch,
    stats: drainPatternStats(),
    busySeconds: (performance.now() - started) / 1000,
    waitSeconds,
    logMetrics: evaluator?.drain() ?? [],
    ...(decoded === undefined ? {} : { decoded }),
  });
}
