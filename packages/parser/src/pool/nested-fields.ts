import { type JsonObject, sameKeys } from '@sluice/core';

/*
 * A Sluice record's own fields with dotted keys (`host.name`, `log.file.path`, `log.offset`:
 * how the Kafka header and the shipper carry them) become nested objects in the event, one
 * setField per key. Every line of a file has the same keys, yet each record walked every
 * path, looked up and created each parent by a changing name (V8's megamorphic stores): about
 * a twentieth of a Kafka consumer's worker. Per list of keys, this generates the nested
 * object as one literal instead, so each event is built with its final shape at once.
 *
 * Only where the literal gives exactly what setField of each key in order gives: no path is
 * a prefix of another or repeated (the later one would replace or merge into the earlier), no
 * segment is `__proto__` (a literal would take it as the prototype), and no value is
 * undefined (recordFields skips those). Anything else returns undefined and recordFields
 * walks the keys as before; nested-fields.test.ts holds the two to the same events.
 */

type Fields = Readonly<Record<string, unknown>>;
type Nester = (fields: Fields) => JsonObject | undefined;

/** At most this many key lists get generated code (a consumer sees a handful). */
const MAX_NESTERS = 64;
const nesters = new Map<string, Nester | null>();
let lastKeys: readonly string[] = [];
let lastNester: Nester | null = null;

/**
 * The event's starting fields for `fields` (the record's own, owned by the caller: values
 * are used, not copied), nested by their dotted keys; undefined when the keys need the
 * general walk.
 */
export function nestedFields(fields: Fields): JsonObject | undefined {
  const keys = Object.keys(fields);
  let nester: Nester | null;
  if (sameKeys(keys, lastKeys)) nester = lastNester;
  else {
    const signature = keys.join('\u0000');
    let found = nesters.get(signature);
    if (found === undefined) {
      found = compileNester(keys);
      if (nesters.size < MAX_NESTERS) nesters.set(signature, found);
    }
    nester = found;
    lastKeys = keys;
    lastNester = nester;
  }
  return nester === null ? undefined : nester(fields);
}

/** A tree of segments; leaves are the keys whose value goes there. */
interface Node {
  readonly children: Map<string, Node>;
  key?: string;
}

function compileNester(keys: readonly string[]): Nester | null {
  if (keys.length === 0) return null;
  const root: Node = { children: new Map() };
  for (const key of keys) {
    // recordFields splits a key only when it has a dot (see dottedPath), as fieldPath does.
    if (key.startsWith('[')) return null; // a bracket path: fieldPath's other syntax
    const path = key.split('.');
    let node = root;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i] as string;
      if (segment === '__proto__') return null;
      let child = node.children.get(segment);
      if (child === undefined) {
        child = { children: new Map() };
        node.children.set(segment, child);
      } else if (child.key !== undefined || i === path.length - 1) return null; // a prefix, or repeated
      node = child;
    }
    node.key = key;
  }
  const checks = keys.map((key) => `f[${JSON.stringify(key)}] === undefined`).join(' || ');
  const body = `return function nest(f) { if (${checks}) return undefined; return ${literal(root)}; };`;
  return new Function(body)() as Nester;
}

function literal(node: Node): string {
  if (node.key !== undefined) return `f[${JSON.stringify(node.key)}]`;
  const members = [...node.children].map(
    ([segment, child]) => `${JSON.stringify(segment)}: ${literal(child)}`,
  );
  return `{${members.join(', ')}}`;
}

/** For tests: forget the generated code. */
export function forgetNesters(): void {
  nesters.clear();
  lastKeys = [];
  lastNester = null;
}
