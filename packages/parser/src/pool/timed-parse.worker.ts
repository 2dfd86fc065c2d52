import { parentPort, workerData } from 'node:worker_threads';
import type { LogEvent } from '@sluice/core';
import { Grok } from '../grok/compiler.js';
import { GROK_FAILURE_TAG, timeEveryPatternTry } from '../grok/processor.js';
import { drainPatternStats } from '../grok/stats.js';
import { type RecordInput, runRecord, TIMEOUT_TAG, timedOutEvent } from './event.js';
import { compileSource } from './source.js';
import type { TimedReply, TimedResult, TimedTask, TimedWorkerData } from './timed-parser.js';
import { fromWire } from './wire.js';

/**
 * Worker entry of TimedParser (timed-parser.ts): compiles the job once when the thread
 * starts, then answers each batch with one result per record. Before each record it
 * writes the record's index into the shared `progress` cell, which the watchdog in the
 * main thread reads.
 */
const data = workerData as TimedWorkerData;
const port = parentPort;
if (port === null) throw new Error('timed-parse.worker must run in a worker thread');
const { progress } = data;

type RunOne = (record: RecordInput, skipped: boolean, now: number) => TimedResult;

function failureTags(event: LogEvent): string[] {
  const tags = event.tags;
  if (!Array.isArray(tags)) return [];
  return tags.filter((t): t is string => typeof t === 'string' && t.startsWith('_'));
}

async function compile(): Promise<RunOne> {
  const job = data.job;
  if (job.kind === 'pipeline') {
    // The CLI parses far fewer lines than a consumer: time them all for `parse --stats`.
    timeEveryPatternTry();
    const pipeline = await compileSource(job.source);
    return (record, skipped, now) => {
      const event = skipped ? timedOutEvent(record, now) : runRecord(pipeline, record, true, now);
      if (event === null) return { json: undefined, failures: [], timedOut: false };
      return { json: JSON.stringify(event), failures: failureTags(event), timedOut: skipped };
    };
  }
  const grok = new Grok(job.patterns, {
    ...(job.definitions ? { definitions: job.definitions } : {}),
    ...(job.ecsCompatibility ? { ecsCompatibility: job.ecsCompatibility } : {}),
  });
  return (record, skipped) => {
    if (skipped) return { json: 'null', failures: [TIMEOUT_TAG], timedOut: true };
    const fields = grok.match(record.line);
    return {
      json: JSON.stringify(fields),
      failures: fields === null ? [GROK_FAILURE_TAG] : [],
      timedOut: false,
    };
  };
}

const runOne = await compile();

port.on('message', (task: TimedTask) => {
  const records = fromWire(task.batch);
  const skip = new Set(task.skip);
  const now = Date.now();
  const results: TimedResult[] = new Array(records.length);
  for (let r = 0; r < records.length; r++) {
    Atomics.store(progress, 0, r);
    try {
      results[r] = runOne(records[r] as RecordInput, skip.has(r), now);
    } catch (error) {
      // One record's exception (a processor bug, a stack overflow on deep input) must not
      // cost the others: report it for this record and go on.
      results[r] = {
        json: undefined,
        failures: [],
        timedOut: false,
        error: error instanceof Error ? error.message : String(error),
      };
    }
  }
  Atomics.store(progress, 0, -2);
  const reply: TimedReply = { results, stats: drainPatternStats() };
  port.postMessage(reply);
});

const ready: TimedReply = { ready: true };
port.postMessage(ready);
