import { type JsonObject, setOwn } from '@sluice/core';

/**
 * The object at `path`, created (or put in place of a non-object) as setField creates a
 * field's parents: writing fields into it with setOwn is what setField of each full path
 * does, with the path walked once for all of them.
 */
export function objectAt(event: JsonObject, path: readonly string[]): JsonObject {
  let node = event;
  for (const part of path) {
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
