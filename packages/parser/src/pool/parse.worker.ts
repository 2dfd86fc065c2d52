import { compileIndexName, indexNameReadsFields, type LogEvent } from '@sluice/core';
import { Piscina, workerData } from 'piscina';
import { drainPatternStats } from '../grok/stats.js';
import { LogMetricsEvaluator } from '../log-metrics/evaluator.js';
import type { CompiledPipeline } from '../pipeline/compile.js';
import { encodeRecords } from './encode.js';
import { compileSource } from './source.js';
import { fromWire, type WorkerData, type WorkerResult, type WorkerTask } from './wire.js';

/**
 * Piscina worker entry: compiles the pipeline once when the thread starts, then turns
 * each batch (a few strings and typed arrays, see wire.ts) into an EncodedBatch plus the
 * pattern statistics gathered since the previous batch and the batch's logs-to-metrics rows.
 */
const data = workerData as WorkerData;
const parse = await compileSource(data.pipeline);
const indexName = compileIndexName(
  data.index,
  data.indexMissing === undefined ? {} : { missing: data.indexMissing },
);
const indexReadsFields = indexNameReadsFields(data.index);
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
 * result alone (see encodeBody; the Int32Arrays are fresh or sliced), so detaching them
 * here takes nothing from anyone.
 */
function transferred(result: WorkerResult): WorkerResult {
  const movable: MovableResult = {
    [Piscina.valueSymbol]: result,
    [Piscina.transferableSymbol]: [result.body.buffer, result.starts.buffer, result.recordIndex.buffer],
  };
  // The worker hands back what move() returns; the main thread receives `result` itself.
  return Piscina.move(movable as unknown as Parameters<typeof Piscina.move>[0]) as unknown as WorkerResult;
}

export default function parseBatch(task: WorkerTask): WorkerResult {
  const waitSeconds = Math.max(0, (wallClockMs() - task.queuedAt) / 1000);
  const started = performance.now();
  // A previous task that threw part-way must not leak its rows into this one.
  evaluator?.drain();
  const records = fromWire(task);
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
  });
}
