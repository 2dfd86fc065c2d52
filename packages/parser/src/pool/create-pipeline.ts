import type { InboundRecord, LogEvent } from '@sluice/core';
import { runRecord } from './event.js';
import { compileSource, type PipelineSource } from './source.js';

/**
 * The pool's per-record logic in this thread, for the CLI `parse` command, tests and
 * `tap`: an empty array when the record was dropped, else its one event.
 */
export async function createPipeline(source: PipelineSource): Promise<(record: InboundRecord) => LogEvent[]> {
  const pipeline = await compileSource(source);
  return (record) => {
    const event = runRecord(pipeline, record, false, Date.now());
    return event === null ? [] : [event];
  };
}
