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
    node = node[part];
  }
  return node;
}

/** Sets a nested field, creating (or replacing non-object) intermediate objects. */
export function setField(event: JsonObject, path: string | readonly string[], value: JsonValue): void {
  const parts = typeof path === 'string' ? fieldPath(path) : path;
  let node: JsonObject = event;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    const next = node[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      const created: JsonObject = {};
      node[part] = created;
      node = created;
    } else {
      node = next;
    }
  }
  node[parts[parts.length - 1] as string] = value;
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

/** Adds a tag to `tags` once (Logstash's `_grokparsefailure` convention). */
export function addTag(event: JsonObject, tag: string): void {
  const tags = event.tags;
  if (Array.isArray(tags)) {
    if (!tags.includes(tag)) tags.push(tag);
  } else {
    event.tags = [tag];
  }
}

export function hasTag(event: JsonObject, tag: string): boolean {
  return Array.isArray(event.tags) && event.tags.includes(tag);
}
