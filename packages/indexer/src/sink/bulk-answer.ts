import { Serializer } from '@elastic/elasticsearch';

/**
 * How a bulk answer in which every item succeeded begins and ends, as the sink asks for it
 * (`filter_path=errors,items.*.status,...`: `took` is filtered out, and Elasticsearch
 * writes `errors` before `items`).
 */
const CLEAN_HEAD = '{"errors":false,"items":[';
const CLEAN_TAIL = ']}';

/**
 * The client's serializer, with one shortcut: a bulk answer that begins with
 * `{"errors":false,"items":[` is read as `{ errors: false }` without parsing its items.
 * Elasticsearch sets `errors` to true when any item failed, and `errors: false` is all the
 * sink reads of such an answer (it credits every item sent); a failure anywhere makes the
 * answer begin `{"errors":true`, which is parsed in full as before, item by item. Parsing
 * the items of a clean answer (one small object per document, then their garbage) was
 * most of what the main thread spent on answers. Anything else, or an answer not closed
 * as the whole object (`]}`), goes through the client's own parser unchanged.
 */
export class BulkAnswerSerializer extends Serializer {
  override deserialize<T = unknown>(json: string): T {
    if (json.startsWith(CLEAN_HEAD) && json.endsWith(CLEAN_TAIL)) return { errors: false } as T;
    return super.deserialize<T>(json);
  }
}
