import {
  addTag,
  cloneJson,
  fieldPath,
  getField,
  type JsonObject,
  type JsonValue,
  setField,
  setOwn,
} from '@sluice/core';
import { type Processor, type ProcessorFactory, withOptions } from '../processor.js';
import { isFieldPath, OptionReader } from './options.js';

export const MUTATE_FAILURE_TAG = '_mutate_error';

const OPERATIONS = [
  'rename',
  'copy',
  'add',
  'remove',
  'convert',
  'lowercase',
  'uppercase',
  'strip',
  'gsub',
  'append',
  'split',
  'join',
] as const;
type OperationName = (typeof OPERATIONS)[number];

/** The options it reads (its OptionReader's list, published in the pipeline JSON Schema). */
const MUTATE_OPTIONS = [...OPERATIONS, 'tag_on_failure'] as const;

/**
 * `mutate`: field surgery, run in the order written (unlike Logstash's fixed order).
 * Either a mapping of operations (`{ rename: {...}, convert: {...} }`, run in key order)
 * or a list of one-operation mappings (`[{ rename: {...} }, { rename: {...} }]`) when an
 * operation must run twice.
 *
 *   rename:    { from: to }                move a field (absent: nothing happens)
 *   copy:      { from: to }                deep copy
 *   add:       { field: value }            set (overwrite); strings may reference fields
 *                                          as %{field} or %{[a][b]}; an absent reference
 *                                          stays as written
 *   remove:    [field, ...]                delete
 *   convert:   { field: int|float|boolean|string }   lists are converted element-wise;
 *                                          a value that does not convert stays and the
 *                                          event gets `tag_on_failure`
 *   lowercase / uppercase / strip: [field, ...]   strings (and lists of strings) only
 *   gsub:      [[field, regex, replacement], ...] or [{ field, pattern, replacement }];
 *              JavaScript regex (global), replacement uses $1 / $<name>
 *   append:    { field: value | [values] } add to a list, skipping values already in it
 *                                          (Elasticsearch's `append` with
 *                                          allow_duplicates: false); a scalar already in
 *                                          the field becomes the first element; values
 *                                          may reference fields, and a value whose
 *                                          reference is absent or empty is skipped
 *   split:     { field: separator }        string -> list of strings
 *   join:      { field: separator }        list -> string
 *
 *   tag_on_failure  default ["_mutate_error"] (a key beside the operations)
 */
export const mutate: ProcessorFactory = withOptions(
  MUTATE_OPTIONS,
  (options, context): Processor => {
    const list = Array.isArray(options) ? options : [options];
    const ops: Operation[] = [];
    let tags = [MUTATE_FAILURE_TAG];
    list.forEach((item, index) => {
      const itemContext = Array.isArray(options)
        ? { ...context, where: `${context.where}: operation ${index + 1}` }
        : context;
      const o = new OptionReader(item, itemContext, MUTATE_OPTIONS);
      if (o.has('tag_on_failure')) tags = o.failureTags(MUTATE_FAILURE_TAG);
      const keys = Object.keys((item ?? {}) as object).filter((k) => k !== 'tag_on_failure');
      if (keys.length === 0) throw o.error(`needs at least one operation: ${OPERATIONS.join(', ')}`);
      for (const key of keys) ops.push(...compileOperation(key as OperationName, o));
    });
    const failureTags = tags;
    return {
      name: 'mutate',
      apply(event) {
        let current = event;
        let failed = false;
        for (const op of ops) {
          const result = op(current);
          if (result === false) failed = true;
          else if (result !== true) current = result;
        }
        if (failed) for (const tag of failureTags) addTag(current, tag);
        return current;
      },
    };
  },
  { list: true },
);

/**
 * Returns false when it could not do its job on this event (the event gets the failure
 * tag), true when it did, or the event that replaces this one (see removeField).
 */
type Operation = (event: JsonObject) => boolean | JsonObject;

function pairs(o: OptionReader, key: string, what: string): [string, string][] {
  const map = o.mapping(key, `a mapping of ${what}`) ?? {};
  return Object.entries(map).map(([from, to]) => {
    if (!isFieldPath(from)) throw o.invalid(key, `a mapping of ${what}`, map);
    if (typeof to !== 'string' || !isFieldPath(to)) throw o.invalid(`${key}.${from}`, 'a field name', to);
    return [from, to];
  });
}

function compileOperation(name: OperationName, o: OptionReader): Operation[] {
  switch (name) {
    case 'rename':
    case 'copy':
      return pairs(o, name, 'source field to destination field').map(([from, to]) => {
        const src = fieldPath(from);
        const dst = fieldPath(to);
        return (event) => {
          const value = getField(event, src);
          if (value === undefined) return true;
          if (name === 'rename') {
            const next = removeField(event, src);
            setField(next, dst, value);
            return next;
          }
          // A string or number is immutable: only objects and lists need a copy.
          setField(event, dst, value !== null && typeof value === 'object' ? cloneJson(value) : value);
          return true;
        };
      });
    case 'add': {
      const map = o.mapping('add', 'a mapping of field names to values') ?? {};
      return Object.entries(map).map(([field, value]) => {
        if (!isFieldPath(field)) throw o.invalid('add', 'a mapping of field names to values', map);
        const dst = fieldPath(field);
        const render = compileTemplate(value);
        return (event) => {
          setField(event, dst, render(event));
          return true;
        };
      });
    }
    case 'remove':
      return (o.fieldList('remove', { nonEmpty: true }) as string[]).map((field) => {
        const path = fieldPath(field);
        return (event) => removeField(event, path);
      });
    case 'convert': {
      const map = o.mapping('convert', 'a mapping of field names to int, float, boolean or string') ?? {};
      return Object.entries(map).map(([field, type]) => {
        if (!isFieldPath(field)) throw o.invalid('convert', 'a mapping of field names to types', map);
        const conv = CONVERTERS[type as string];
        if (typeof type !== 'string' || !conv)
          throw o.invalid(`convert.${field}`, 'one of "int", "float", "boolean", "string"', type);
        const path = fieldPath(field);
        return (event) => {
          const value = getField(event, path);
          if (value === undefined) return true;
          if (Array.isArray(value)) {
            let ok = true;
            const out = value.map((v) => {
              const c = conv(v);
              if (c === undefined) ok = false;
              return c ?? v;
            });
            setField(event, path, out);
            return ok;
          }
          const c = conv(value);
          if (c === undefined) return false;
          setField(event, path, c);
          return true;
        };
      });
    }
    case 'lowercase':
    case 'uppercase':
    case 'strip': {
      const fn = name === 'lowercase' ? lower : name === 'uppercase' ? upper : strip;
      return (o.fieldList(name, { nonEmpty: true }) as string[]).map((field) =>
        stringOp(fieldPath(field), fn),
      );
    }
    case 'gsub':
      return gsubRules(o).map(({ field, regex, replacement }) =>
        stringOp(fieldPath(field), (s) => s.replace(regex, replacement)),
      );
    case 'append':
      return Object.entries(o.mapping('append', 'a mapping of field names to values') ?? {}).map(
        ([field, value]) => {
          if (!isFieldPath(field)) throw o.invalid('append', 'a mapping of field names to values', field);
          const path = fieldPath(field);
          const renders = (Array.isArray(value) ? value : [value]).map(compileReference);
          return (event) => {
            const current = getField(event, path);
            const list: JsonValue[] =
              current === undefined ? [] : Array.isArray(current) ? current : [current];
            let changed = !Array.isArray(current);
            for (const render of renders) {
              const v = render(event);
              if (v === undefined || list.some((x) => sameValue(x, v))) continue;
              list.push(v);
              changed = true;
            }
            if (changed && list.length > 0) setField(event, path, list);
            return true;
          };
        },
      );
    case 'split':
      return Object.entries(o.mapping('split', 'a mapping of field names to separators') ?? {}).map(
        ([field, sep]) => {
          if (typeof sep !== 'string' || sep === '' || !isFieldPath(field)) {
            throw o.invalid(`split.${field}`, 'a non-empty separator string', sep);
          }
          const path = fieldPath(field);
          return (event) => {
            const value = getField(event, path);
            // Most values (nginx's one client address) hold no separator: [value] is their
            // split, without the runtime call and its substring.
            if (typeof value === 'string')
              setField(event, path, value.includes(sep) ? value.split(sep) : [value]);
            return value === undefined || typeof value === 'string' || Array.isArray(value);
          };
        },
      );
    case 'join':
      return Object.entries(o.mapping('join', 'a mapping of field names to separators') ?? {}).map(
        ([field, sep]) => {
          if (typeof sep !== 'string' || !isFieldPath(field))
            throw o.invalid(`join.${field}`, 'a separator string', sep);
          const path = fieldPath(field);
          return (event) => {
            const value = getField(event, path);
            if (Array.isArray(value)) {
              setField(
                event,
                path,
                value
                  .map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)))
                  .join(sep),
              );
            }
            return true;
          };
        },
      );
  }
}

function gsubRules(o: OptionReader): { field: string; regex: RegExp; replacement: string }[] {
  const raw = o.raw('gsub');
  const expected =
    'a list of [field, regex, replacement] triples or { field, pattern, replacement } mappings';
  if (!Array.isArray(raw) || raw.length === 0) throw o.invalid('gsub', expected, raw);
  // Logstash writes one flat list: [field, regex, replacement, field, regex, replacement, ...].
  const flat = raw.every((x) => typeof x === 'string');
  const triples: unknown[][] = [];
  if (flat) {
    if (raw.length % 3 !== 0) throw o.invalid('gsub', expected, raw);
    for (let i = 0; i < raw.length; i += 3) triples.push(raw.slice(i, i + 3));
  } else {
    for (const item of raw) {
      if (Array.isArray(item) && item.length === 3) triples.push(item);
      else if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
        const r = item as Record<string, unknown>;
        triples.push([r.field, r.pattern, r.replacement]);
      } else throw o.invalid('gsub', expected, raw);
    }
  }
  return triples.map(([field, pattern, replacement]) => {
    if (typeof field !== 'string' || !isFieldPath(field) || typeof replacement !== 'string') {
      throw o.invalid('gsub', expected, raw);
    }
    return { field, regex: o.regex('gsub', pattern, 'g'), replacement };
  });
}

function stringOp(path: string[], fn: (s: string) => string): Operation {
  return (event) => {
    const value = getField(event, path);
    if (typeof value === 'string') {
      // Writing back the same text where getField found it changes nothing (a gsub that
      // matched nothing, a lowercase of lower-case text): skip the walk.
      const changed = fn(value);
      if (changed !== value) setField(event, path, changed);
    } else if (Array.isArray(value))
      setField(
        event,
        path,
        value.map((v) => (typeof v === 'string' ? fn(v) : v)),
      );
    return true;
  };
}

/**
 * For `append`: like compileTemplate, but a value whose references are all absent or
 * empty gives undefined (nothing to append) instead of the reference text.
 */
function compileReference(value: JsonValue): (event: JsonObject) => JsonValue | undefined {
  const render = compileTemplate(value);
  if (typeof value !== 'string' || !/%\{[^}]+\}/.test(value)) return render;
  // The common form, one reference and nothing else (`%{source.ip}`): the field is read
  // once, and is the value as compileTemplate renders it.
  const whole = /^%\{([^}]+)\}$/.exec(value)?.[1];
  if (whole !== undefined && isFieldPath(whole)) {
    const path = fieldPath(whole);
    return (event) => {
      const v = getField(event, path);
      if (v === undefined || v === null || v === '') return undefined;
      return typeof v === 'string' ? v : JSON.stringify(v);
    };
  }
  const refs = [...value.matchAll(/%\{([^}]+)\}/g)]
    .map((m) => m[1] as string)
    .filter(isFieldPath)
    .map((ref) => fieldPath(ref));
  return (event) => {
    for (const ref of refs) {
      const v = getField(event, ref);
      if (v === undefined || v === null || v === '') return undefined;
    }
    return render(event);
  };
}

function sameValue(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  return typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b);
}

const lower = (s: string) => s.toLowerCase();
const upper = (s: string) => s.toUpperCase();
const strip = (s: string) => s.trim();

/** Each returns undefined when the value does not convert. */
const CONVERTERS: Readonly<Record<string, (v: JsonValue) => JsonValue | undefined>> = {
  int: (v) => {
    if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : undefined;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'string' && /^\s*[-+]?\d+(\.\d+)?\s*$/.test(v)) return Math.trunc(Number(v));
    return undefined;
  },
  float: (v) => {
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'string' && v.trim() !== '') {
      const n = Number(v);
      return Number.isFinite(n) ? n : undefined;
    }
    return undefined;
  },
  boolean: (v) => {
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : undefined;
    if (typeof v === 'string') {
      if (/^(true|t|yes|y|1|on)$/i.test(v)) return true;
      if (/^(false|f|no|n|0|off)$/i.test(v)) return false;
    }
    return undefined;
  },
  string: (v) =>
    typeof v === 'string' ? v : v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v),
};

/**
 * `%{field}` / `%{[a][b]}` references in a string, resolved against the event. Non-string
 * values are returned as they are (deep-copied per event so events never share objects).
 */
export function compileTemplate(value: JsonValue): (event: JsonObject) => JsonValue {
  if (typeof value !== 'string') {
    if (value === null || typeof value !== 'object') return () => value;
    return () => cloneJson(value);
  }
  const parts = value.split(/(%\{[^}]+\})/);
  if (parts.length === 1) return () => value;
  const pieces = parts.map((part) => {
    const m = /^%\{([^}]+)\}$/.exec(part);
    if (!m || !isFieldPath(m[1] as string)) return () => part;
    const path = fieldPath(m[1] as string);
    return (event: JsonObject) => {
      const v = getField(event, path);
      if (v === undefined) return part;
      return typeof v === 'string' ? v : JSON.stringify(v);
    };
  });
  return (event) => {
    let out = '';
    for (const piece of pieces) out += piece(event);
    return out;
  };
}

/**
 * Removes a field by copying its parent without it, rather than with `delete`: an object
 * that lost a property with `delete` drops to V8's dictionary mode, where JSON.stringify
 * takes its slow path (measured with benchmarks/parse: removing `timestamp`, as every
 * module does, made serialising the whole event about twice as slow). The copy keeps the
 * remaining keys in their order, so the document is byte for byte what `delete` gave.
 *
 * Returns the event to go on with: a new top-level object when the field was top-level,
 * else the same event with the parent replaced in place. Walks own fields only, so a path
 * through `__proto__` or `constructor` never reaches a prototype.
 */
export function removeField(event: JsonObject, path: readonly string[]): JsonObject {
  const last = path[path.length - 1] as string;
  if (path.length === 1) return Object.hasOwn(event, last) ? withoutKey(event, last) : event;
  let node: JsonObject = event;
  for (let i = 0; i < path.length - 2; i++) {
    const next = ownObject(node, path[i] as string);
    if (next === undefined) return event;
    node = next;
  }
  const parentKey = path[path.length - 2] as string;
  const parent = ownObject(node, parentKey);
  if (parent !== undefined && Object.hasOwn(parent, last)) setOwn(node, parentKey, withoutKey(parent, last));
  return event;
}

function ownObject(node: JsonObject, key: string): JsonObject | undefined {
  const value = Object.hasOwn(node, key) ? node[key] : undefined;
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

function withoutKey(object: JsonObject, key: string): JsonObject {
  // Object rest copies the own enumerable fields in their order, defining each (an own
  // `__proto__` stays a field), as a loop of setOwn did, at two thirds of its cost.
  const { [key]: _removed, ...copy } = object;
  return copy;
}
