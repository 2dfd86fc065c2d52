/**
 * The event model that flows from the parser to the indexer.
 *
 * Events are plain JSON objects with ECS field names, nested as Elasticsearch stores
 * them (`{ http: { request: { method: 'GET' } } }`). Dotted paths (`http.request.method`)
 * and Logstash bracket paths (`[http][request][method]`) address the same field.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface LogEvent extends JsonObject {}

/** Splits `a.b.c` or `[a][b][c]` into its segments. */
export function fieldPath(path: string): string[] {
  if (path.startsWith('[')) {
    const parts = [...path.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1] as string);
    if (parts.length === 0) throw new Error(`field path "${path}" has no [segment]`);
    return parts;
  }
  return path.split('.');
}

export function getField(event: JsonObject, path: string | readonly string[]): JsonValue | undefined {
  const parts = typeof path === 'string' ? fieldPath(path) : path;
  let node: JsonValue | undefined = event;
  for (const part of parts) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    // Own fields only: `__proto__` or `constructor` in a path (from a document's keys)
    // must never reach Object.prototype.
    node = Object.hasOwn(node, part) ? node[part] : undefined;
  }
  return node;
}

/**
 * `object[key] = value` that always creates an own data field, even for `__proto__`
 * (a key any JSON document may carry): plain assignment would replace the object's
 * prototype instead.
 */
export function setOwn(object: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    object[key] = value;
  }
}

/**
 * A deep copy of a JSON value: what structuredClone gives for one, key order included and a
 * `__proto__` key kept as a field, at a fraction of its cost (structuredClone serialises
 * through V8's message format: about a microsecond for `["web"]`).
 */
export function cloneJson(value: JsonValue): JsonValue {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const copy: JsonValue[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = cloneJson(value[i] as JsonValue);
    return copy;
  }
  const copy: JsonObject = {};
  for (const key of Object.keys(value)) setOwn(copy, key, cloneJson(value[key] as JsonValue));
  return copy;
}

/** Sets a nested field, creating (or replacing non-object) intermediate objects. */
export function setField(event: JsonObject, path: string | readonly string[], value: JsonValue): void {
  const parts = typeof path === 'string' ? fieldPath(path) : path;
  setOwn(objectAt(event, parts, parts.length - 1), parts[parts.length - 1] as string, value);
}

/**
 * The object at the first `depth` parts of `path` (all of them by default), created, or put
 * in place of a non-object, as setField creates a field's parents. Writing several fields
 * into it with setOwn is what setField of each full path does, with the path walked once.
 */
export function objectAt(event: JsonObject, path: readonly string[], depth = path.length): JsonObject {
  let node: JsonObject = event;
  for (let i = 0; i < depth; i++) {
    const part = path[i] as string;
    const next = Object.hasOwn(node, part) ? node[part] : undefined;
    if (next === undefined || next === null || typeof next !== 'object' || Array.isArray(next)) {
      const created: JsonObject = {};
      setOwn(node, part, created);
      node = created;
    } else {
      node = next;
    }
  }
  return node;
}

/** Removes a nested field; returns whether it existed. Empty parents are left in place. */
export function deleteField(event: JsonObject, path: string | readonly string[]): boolean {
  const parts = typeof path === 'string' ? fieldPath(path) : path;
  let node: JsonValue | undefined = event;
  for (let i = 0; i < parts.length - 1; i++) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return false;
    node = node[parts[i] as string];
  }
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return false;
  const last = parts[parts.length - 1] as string;
  if (!(last in node)) return false;
  delete node[last];
  return true;
}

/**
 * Adds a tag to `tags` once (Logstash's `_grokparsefailure` convention). A `tags` that is
 * not a list (a string from a JSON document, say) is kept as the list's first element;
 * an object there is kept as its JSON text, since a keyword list cannot hold an object.
 */
export function addTag(event: JsonObject, tag: string): void {
  const tags = event.tags;
  if (Array.isArray(tags)) {
    if (!tags.includes(tag)) tags.push(tag);
  } else if (tags === undefined || tags === null) {
    event.tags = [tag];
  } else if (typeof tags === 'object') {
    event.tags = [safeJson(tags), tag];
  } else if (tags !== tag) {
    event.tags = [tags, tag];
  } else {
    event.tags = [tag];
  }
}

function safeJson(value: JsonValue): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '[unserializable]';
  }
}

/**
 * Default nesting limit of parsed documents (json processor, events from Filebeat or
 * Logstash). Elasticsearch refuses objects nested deeper than its mapping depth limit
 * (20 by default) anyway; this bound exists so a hostile line of thousands of levels
 * never reaches a recursive walk (JSON.stringify, structuredClone) that overflows the stack.
 */
export const DEFAULT_MAX_DEPTH = 64;

/**
 * Whether `value` nests objects or arrays deeper than `limit` levels (a scalar is depth
 * 0, `{}` and `[]` depth 1). It stops at the first path past the limit. Every decoded
 * broker payload passes through it: up to RECURSIVE_DEPTH_LIMIT it recurses, which
 * allocates nothing and cannot overflow the stack (it never goes deeper than the limit);
 * a larger limit walks iteratively, safe on any input.
 */
export function exceedsDepth(value: unknown, limit: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  return limit <= RECURSIVE_DEPTH_LIMIT
    ? nestsDeeper(value, 1, limit)
    : exceedsDepthIteratively(value, limit);
}

const RECURSIVE_DEPTH_LIMIT = 512;

function nestsDeeper(node: object, depth: number, limit: number): boolean {
  if (depth > limit) return true;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const child: unknown = node[i];
      if (child !== null && typeof child === 'object' && nestsDeeper(child, depth + 1, limit)) return true;
    }
    return false;
  }
  for (const key in node) {
    if (!Object.hasOwn(node, key)) continue;
    const child: unknown = (node as Record<string, unknown>)[key];
    if (child !== null && typeof child === 'object' && nestsDeeper(child, depth + 1, limit)) return true;
  }
  return false;
}

function exceedsDepthIteratively(value: object, limit: number): boolean {
  const stack: Array<[object, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [object, number];
    if (depth > limit) return true;
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * Whether two key lists are the same names in the same order: how the per-shape caches
 * (generated copiers, writers, nesters) tell that an object has the shape they were made for.
 */
export function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
