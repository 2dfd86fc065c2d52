import { compileIndexName } from '@sluice/core';
import { workerData } from 'piscina';
import { drainPatternStats } from '../grok/stats.js';
import { encodeRecords } from './encode.js';
import { compileSource } from './source.js';
import { fromWire, type WorkerData, type WorkerResult, type WorkerTask } from './wire.js';

/**
 * Piscina worker entry: compiles the pipeline once when the thread starts, then turns
 * each batch (a few strings and typed arrays, see wire.ts) into an EncodedBatch plus the pattern statistics gathered
 * since the previous batch.
 */
const data = workerData as WorkerData;
const pipeline = await compileSource(data.pipeline);
const indexName = compileIndexName(
  data.index,
  data.indexMissing === undefined ? {} : { missing: data.indexMissing },
);

export default function parseBatch(task: WorkerTask): WorkerResult {
  const started = performance.now();
  const records = fromWire(task);
  const batch = encodeRecords(records, {
    pipeline,
    indexName,
    progress: task.progress,
    ...(task.skip.length > 0 ? { skip: new Set(task.skip) } : {}),
  });
  return { ...batch, stats: drainPatternStats(), busySeconds: (performance.now() - started) / 1000 };
}
