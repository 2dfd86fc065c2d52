import { addTag, fieldPath, type LogEvent } from '@sluice/core';
import { type GrokShape, isGrokProcessor } from '../grok/processor.js';
import type { CompiledShape } from '../grok/writer.js';
import type { CompiledPipeline } from '../pipeline/compile.js';
import { type BulkWriter, utf8 } from './bulk-writer.js';
import { finishEvent, type RecordInput, recordFields, startEvent } from './event.js';

/**
 * Compiled encoding: a pipeline whose output has a known shape writes each record's
 * document straight from the regex match into the bulk body, with no event object and no
 * JSON.stringify (see ARCHITECTURE.md, "The hot path writes bytes").
 *
 * Today that is a pipeline of one unconditional grok step on `message` (`sluice consume
 * --pattern`, a pipeline file of one grok step) whose every pattern has a fixed shape (see
 * grok/writer.ts). Anything else (a module, several steps, a wrapped pipeline) is run and
 * serialised as before. Per record, the generic path is still taken when:
 * - the record's own fields touch a top-level field the document writes (`accepts`);
 * - no pattern matches (the event is tagged; `write` returns it).
 */
export interface DirectEncoder {
  /**
   * Whether this record can be written directly: its own fields (shipper metadata, a
   * Filebeat event) share no top-level field with what the pipeline and the event's
   * finishing write. Reads the record only; when false, run the generic pipeline.
   */
  accepts(record: RecordInput): boolean;
  /**
   * Runs the pipeline on an accepted record. Either writes the record's JSON document to
   * `writer` and returns undefined, or writes nothing and returns the event the pipeline
   * made (finished, with `@timestamp` and `event.created`) for the generic serialiser.
   * `timestamp` is `timestampOf(record, now)`.
   */
  write(record: RecordInput, writer: BulkWriter, timestamp: string, now: number): LogEvent | undefined;
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

const FINISHED_FIELDS = ['message', '@timestamp', 'event', 'tags'];
const TIMESTAMP = utf8(',"@timestamp":"');
const CREATED = utf8('","event":{"created":"');
const END_CREATED = utf8('"}}');
const END = utf8('"}');

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

    write(record, w, timestamp, now) {
      const line = record.line;
      const p = grok.match(line);
      if (p < 0) {
        // What the grok step does when nothing matches: the event, tagged.
        const event = startEvent(record, true);
        for (const tag of grok.tags) addTag(event, tag);
        return finishEvent(event, record, now);
      }
      const m = grok.lastMatch as RegExpExecArray;
      const shape = compiled[p] as CompiledShape;
      const start = w.offset;
      const fieldsText =
        record.fields === undefined || record.fields === null
          ? '{}'
          : JSON.stringify(recordFields(record, true));
      if (fieldsText.length > 2) {
        // The record's fields come first, as startEvent puts them; their closing brace
        // becomes the comma before `message`.
        w.json(fieldsText);
        w.offset -= 1;
        w.byte(0x2c);
      } else {
        w.byte(0x7b);
      }
      if (!shape.write(w, m, line)) {
        // This match has another shape (a field captured twice): build the event.
        w.offset = start;
        const event = startEvent(record, true);
        grok.apply(event, p, m);
        return finishEvent(event, record, now);
      }
      w.chunk(TIMESTAMP);
      w.json(timestamp);
      const shipped = record.shippedAt;
      if (typeof shipped === 'number' && Number.isFinite(shipped)) {
        w.chunk(CREATED);
        w.json(timestamp);
        w.chunk(END_CREATED);
      } else {
        w.chunk(END);
      }
      return undefined;
    },
  };
}
