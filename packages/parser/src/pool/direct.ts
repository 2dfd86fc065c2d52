import { addTag, fieldPath, type LogEvent } from '@sluice/core';
import { type GrokShape, isGrokProcessor } from '../grok/processor.js';
import type { CompiledShape } from '../grok/writer.js';
import type { CompiledPipeline } from '../pipeline/compile.js';
import { finishEvent, type RecordInput, recordFields, startEvent } from './event.js';

/**
 * Compiled encoding: a pipeline whose output has a known shape serialises each record's
 * document straight from the regex match, with no event object (see ARCHITECTURE.md, "The
 * hot path writes bytes"): generated code puts the captures between constant keys.
 *
 * Today that is a pipeline of one unconditional grok step on `message` (`sluice consume
 * --pattern`, a pipeline file of one grok step) whose every pattern has a fixed shape (see
 * grok/writer.ts). Anything else (a module, several steps, a wrapped pipeline) is run and
 * serialised as before. Per record, the generic path is still taken when:
 * - the record's own fields touch a top-level field the document writes (`accepts`);
 * - no pattern matches (the event is tagged; `source` returns it).
 * The record's own `event` object is the exception: every line a Sluice shipper sends carries
 * `event.created` (the read's time), which finishing the event overwrites with the shipping
 * time, in place. Until 2026-12-05 such a field sent every shipped record the generic way, so
 * compiled encoding never ran on real shipper traffic; now the fields are written with
 * `event.created` set as finishEvent sets it. No capture can merge into it: a pattern that
 * captures under `event` has no compiled shape (grok/writer.ts, LEFT_TO_CALLER).
 */
export interface DirectEncoder {
  /**
   * Whether this record can be written directly: its own fields (shipper metadata, a
   * Filebeat event) share no top-level field with what the pipeline and the event's
   * finishing write. Reads the record only; when false, run the generic pipeline.
   */
  accepts(record: RecordInput): boolean;
  /**
   * Runs the pipeline on an accepted record. Either returns the record's JSON document as
   * text, or the event the pipeline made (finished, with `@timestamp` and `event.created`)
   * for the generic serialiser. `timestamp` is `isoTime(timestampMs(record, now))`.
   */
  source(record: RecordInput, timestamp: string, now: number): string | LogEvent;
}

/**
 * The `@timestamp` of a directly written document: when the record was shipped, else
 * now (what finishEvent sets; a captured `@timestamp` has no compiled writer).
 */
export function timestampMs(record: RecordInput, now: number): number {
  const shipped = record.shippedAt;
  return typeof shipped === 'number' && Number.isFinite(shipped) ? shipped : now;
}

const compiledFor = new WeakMap<CompiledPipeline, DirectEncoder | null>();

/** The direct encoder of a pipeline, compiled once per pipeline; undefined when its output has no fixed shape. */
export function directEncoderFor(pipeline: CompiledPipeline): DirectEncoder | undefined {
  let encoder = compiledFor.get(pipeline);
  if (encoder === undefined) {
    encoder = compileDirectEncoder(pipeline) ?? null;
    compiledFor.set(pipeline, encoder);
  }
  return encoder ?? undefined;
}

/** Top-level fields finishing an event writes over (`event` is updated in place, see `source`). */
const FINISHED_FIELDS = ['message', '@timestamp', 'tags'];

function compileDirectEncoder(pipeline: CompiledPipeline): DirectEncoder | undefined {
  const steps = pipeline.steps;
  if (steps === undefined || steps.length !== 1) return undefined;
  const step = steps[0];
  if (step === undefined || step.condition !== undefined || !isGrokProcessor(step.processor))
    return undefined;
  const grok: GrokShape = step.processor.shape;
  if (grok.path.length !== 1 || grok.path[0] !== 'message') return undefined;
  const shapes = grok.shapes;
  if (shapes.some((s) => s === undefined)) return undefined;
  const compiled = shapes as readonly CompiledShape[];
  const taken = new Set<string>(FINISHED_FIELDS);
  const ends = new DocumentEnds();
  for (const shape of compiled) for (const top of shape.topLevel) taken.add(top);

  return {
    accepts(record) {
      const fields = record.fields;
      if (fields === undefined || fields === null) return true;
      const structured = record.format === 'beats' || record.format === 'logstash';
      for (const key in fields) {
        if (!Object.hasOwn(fields, key) || fields[key] === undefined) continue;
        let top = key;
        if (!structured && key.includes('.')) {
          // fieldPath's first segment, without splitting the whole key (this runs per record).
          if (!key.startsWith('[')) top = key.slice(0, key.indexOf('.'));
          else
            try {
              top = fieldPath(key)[0] as string;
            } catch {
              return false;
            }
        }
        if (taken.has(top)) return false;
      }
      return true;
    },

    source(record, timestamp, now) {
      const line = record.line;
      const p = grok.match(line);
      if (p < 0) {
        // What the grok step does when nothing matches: the event, tagged.
        const event = startEvent(record, true);
        for (const tag of grok.tags) addTag(event, tag);
        return finishEvent(event, record, now);
      }
      const m = grok.lastMatch as RegExpExecArray;
      const members = (compiled[p] as CompiledShape).members(m, line);
      if (members === undefined) {
        // This match has another shape (a field captured twice): build the event.
        const event = startEvent(record, true);
        grok.apply(event, p, m);
        return finishEvent(event, record, now);
      }
      const shipped = record.shippedAt;
      const end =
        typeof shipped === 'number' && Number.isFinite(shipped)
          ? ends.created(timestamp)
          : ends.plain(timestamp);
      if (record.fields === undefined || record.fields === null) return `{${members}${end}`;
      const fields = recordFields(record, true);
      let fieldsEnd = end;
      if (Object.hasOwn(fields, 'event')) {
        // finishEvent's work on an event that has one: `event.created` set in its place (the
        // whole `event` replaced when it is no object), nothing appended after @timestamp.
        if (typeof shipped === 'number' && Number.isFinite(shipped)) {
          const own = fields.event;
          if (own !== null && typeof own === 'object' && !Array.isArray(own)) own.created = timestamp;
          else fields.event = { created: timestamp };
        }
        fieldsEnd = ends.plain(timestamp);
      }
      const fieldsText = JSON.stringify(fields);
      // The record's fields come first, as startEvent puts them; their closing brace
      // becomes the comma before `message`.
      if (fieldsText.length > 2) return `${fieldsText.slice(0, -1)},${members}${fieldsEnd}`;
      return `{${members}${end}`;
    },
  };
}

/**
 * The end of a directly written document, `,"@timestamp":T,"event":{"created":T}}` (or
 * without `event` when the record has no shipping time), kept for the last timestamp:
 * the records of a batch mostly share it.
 */
class DocumentEnds {
  private timestamp: string | undefined;
  private withCreated = '';
  private withoutCreated = '';

  created(timestamp: string): string {
    if (timestamp !== this.timestamp) this.remember(timestamp);
    return this.withCreated;
  }

  plain(timestamp: string): string {
    if (timestamp !== this.timestamp) this.remember(timestamp);
    return this.withoutCreated;
  }

  private remember(timestamp: string): void {
    const json = JSON.stringify(timestamp);
    this.timestamp = timestamp;
    this.withoutCreated = `,"@timestamp":${json}}`;
    this.withCreated = `,"@timestamp":${json},"event":{"created":${json}}}`;
  }
}
