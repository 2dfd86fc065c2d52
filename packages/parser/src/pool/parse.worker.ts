import { compileIndexName } from '@sluice/core';
import { workerData } from 'piscina';
import { drainPatternStats } from '../grok/stats.js';
import { encodeRecords } from './encode.js';
import type { RecordInput } from './event.js';
import { compileSource } from './source.js';
import type { WireRecord, WorkerData, WorkerResult, WorkerTask } from './wire.js';

/**
 * Piscina worker entry: compiles the pipeline once when the thread starts, then turns
 * each batch (one JSON string) into an EncodedBatch plus the pattern statistics gathered
 * since the previous batch.
 */
const data = workerData as WorkerData;
const pipeline = await compileSource(data.pipeline);
const indexName = compileIndexName(
  data.index,
  data.indexMissing === undefined ? {} : { missing: data.indexMissing },
);

function toRecord(wire: WireRecord): RecordInput {
  const [id, line, shippedAt, format, fields] = wire;
  return shippedAt === null
    ? fields === null
      ? { id, line, format }
      : { id, line, format, fields }
    : fields === null
      ? { id, line, format, shippedAt }
      : { id, line, format, shippedAt, fields };
}

export default function parseBatch(task: WorkerTask): WorkerResult {
  const wire = JSON.parse(task.input) as WireRecord[];
  const records = wire.map(toRecord);
  const batch = encodeRecords(records, {
    pipeline,
    indexName,
    progress: task.progress,
    ...(task.skip.length > 0 ? { skip: new Set(task.skip) } : {}),
  });
  return { ...batch, stats: drainPatternStats() };
}
