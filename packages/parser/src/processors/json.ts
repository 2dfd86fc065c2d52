import {
  addTag,
  DEFAULT_MAX_DEPTH,
  exceedsDepth,
  fieldPath,
  getField,
  type JsonObject,
  type JsonValue,
  setField,
  setOwn,
} from '@sluice/core';
import { type Processor, type ProcessorFactory, withOptions } from '../processor.js';
import { OptionReader } from './options.js';

export const JSON_FAILURE_TAG = '_jsonparsefailure';

/** The options it reads (its OptionReader's list, published in the pipeline JSON Schema). */
const JSON_OPTIONS = ['field', 'target', 'tag_on_failure', 'max_depth'] as const;

/**
 * `json`: parses a field holding JSON text.
 *
 * Options:
 *   field           source field; default "message"
 *   target          where to put the parsed value; default: merge an object's keys into
 *                   the event root (a non-object without a target is a failure)
 *   tag_on_failure  default ["_jsonparsefailure"]
 *   max_depth       deepest nesting of objects and arrays accepted; default 64, 1..1000
 *
 * Invalid JSON, or a document nested deeper than max_depth, leaves the event as it was
 * (message kept) and adds the tags. A missing source field is left alone. The depth bound
 * keeps a hostile line (thousands of levels in a few KB) away from every recursive walk
 * after this step (copy, fingerprint, serialisation), which would overflow the stack.
 */
export const json: ProcessorFactory = withOptions(JSON_OPTIONS, (options, context): Processor => {
  const o = new OptionReader(options, context, JSON_OPTIONS);
  const source = fieldPath(o.field('field', 'message'));
  const targetName = o.field('target');
  const target = targetName === undefined ? undefined : fieldPath(targetName);
  const tags = o.failureTags(JSON_FAILURE_TAG);
  const maxDepth = o.number('max_depth', DEFAULT_MAX_DEPTH, 1, 1000);
  const fail = (event: JsonObject) => {
    for (const tag of tags) addTag(event, tag);
    return event;
  };
  return {
    name: 'json',
    apply(event) {
      const text = getField(event, source);
      if (text === undefined || text === null) return event;
      if (typeof text !== 'string') return fail(event);
      let parsed: JsonValue;
      try {
        parsed = JSON.parse(text) as JsonValue;
      } catch {
        return fail(event);
      }
      if (exceedsDepth(parsed, maxDepth)) return fail(event);
      if (target !== undefined) {
        setField(event, target, parsed);
        return event;
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return fail(event);
      for (const key of Object.keys(parsed)) {
        // Tags from the document join the event's tags instead of replacing them.
        if (key === 'tags' && Array.isArray(event.tags) && Array.isArray(parsed.tags)) {
          for (const tag of parsed.tags) if (typeof tag === 'string') addTag(event, tag);
        } else {
          setOwn(event, key, parsed[key] as JsonValue);
        }
      }
      return event;
    },
  };
});
