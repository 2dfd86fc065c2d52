import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fieldPath, getField, type JsonObject, type JsonValue, objectAt, setOwn } from '@sluice/core';
import { type Processor, type ProcessorFactory, withOptions } from '../processor.js';
import { type LiteralFilter, LiteralFilters, LiteralScan } from './literal-filter.js';
import { OptionReader } from './options.js';
import { requiredLiterals } from './regex-literals.js';

/** One rule of uap-core's regexes.yaml: a regex and optional replacements for its groups. */
interface UapRule {
  /** Built on first use (see ruleRegex): most rules never run, thanks to `literals`. */
  regex: RegExp | undefined;
  readonly source: string;
  readonly ignoreCase: boolean;
  /**
   * Literals one of which is in every UA string the regex matches; undefined when none is
   * known. See regex-literals.ts.
   */
  readonly literals: LiteralFilter | undefined;
  readonly family?: string;
  readonly v1?: string;
  readonly v2?: string;
  readonly v3?: string;
  readonly v4?: string;
}

interface UapRules {
  readonly agents: readonly UapRule[];
  readonly os: readonly UapRule[];
  readonly devices: readonly UapRule[];
}

/**
 * Typical user agents: of the literals a rule cannot match without, the prefilter looks for
 * the one fewest of these contain (`MOB-` rather than ` Build`), which rules out most UAs.
 * Only the choice depends on them, never the result.
 */
const COMMON_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
];

let rules: UapRules | undefined;
function uapRules(): UapRules {
  // Loaded and compiled on first use (about 1,200 regexes) so pipelines without user_agent
  // never pay for it.
  if (rules) return rules;
  const file = createRequire(import.meta.url).resolve('uap-core/regexes.yaml');
  const text = readFileSync(file, 'utf8');
  // The general YAML parser is only the fallback (see parseUapYaml), loaded if needed.
  const raw = parseUapYaml(text) ?? (requireYaml().parse(text) as UapYaml);
  const filters = new LiteralFilters(COMMON_AGENTS);
  const prefilter = (source: string, ignoreCase: boolean): LiteralFilter | undefined => {
    const required = requiredLiterals(source, ignoreCase, COMMON_AGENTS);
    return required && filters.of(required);
  };
  const compile = (list: Record<string, string>[] | undefined, keys: readonly string[]): UapRule[] =>
    (list ?? []).map((r) => ({
      regex: undefined,
      source: r.regex as string,
      ignoreCase: r.regex_flag === 'i',
      literals: prefilter(r.regex as string, r.regex_flag === 'i'),
      family: r[keys[0] as string],
      v1: r[keys[1] as string],
      v2: r[keys[2] as string],
      v3: r[keys[3] as string],
      v4: r[keys[4] as string],
    }));
  rules = {
    agents: compile(raw.user_agent_parsers, [
      'family_replacement',
      'v1_replacement',
      'v2_replacement',
      'v3_replacement',
      'v4_replacement',
    ]),
    os: compile(raw.os_parsers, [
      'os_replacement',
      'os_v1_replacement',
      'os_v2_replacement',
      'os_v3_replacement',
      'os_v4_replacement',
    ]),
    devices: compile(raw.device_parsers, ['device_replacement']),
  };
  return rules;
}

type UapYaml = Record<string, Record<string, string>[]>;

function requireYaml(): typeof import('yaml') {
  return createRequire(import.meta.url)('yaml') as typeof import('yaml');
}

const SECTION = /^([A-Za-z_]+):[ \t]*$/;
const ENTRY = /^ {2}- ([a-z0-9_]+): '((?:[^']|'')*)'[ \t]*$/;
const KEY = /^ {4}([a-z0-9_]+): '((?:[^']|'')*)'[ \t]*$/;
const COMMENT_OR_BLANK = /^[ \t]*(?:#.*)?$/;

/**
 * uap-core's regexes.yaml read by its own layout: sections of list entries whose keys all
 * hold single-quoted strings, one per line. The general YAML parser spent about 400 ms of
 * CPU on this file in every worker at start-up (a consumer's whole CPU budget for
 * thousands of lines); this takes a few. Undefined at the first line outside that layout
 * (a later uap-core may write one): the caller then uses the YAML parser. A test holds the
 * two results equal for the installed file.
 */
export function parseUapYaml(text: string): UapYaml | undefined {
  const out: UapYaml = {};
  let section: Record<string, string>[] | undefined;
  let entry: Record<string, string> | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (COMMENT_OR_BLANK.test(line)) continue;
    const header = SECTION.exec(line);
    if (header !== null) {
      const name = header[1] as string;
      if (Object.hasOwn(out, name) || name === '__proto__') return undefined;
      section = [];
      out[name] = section;
      entry = undefined;
      continue;
    }
    const first = ENTRY.exec(line);
    if (first !== null && section !== undefined && first[1] !== '__proto__') {
      entry = {};
      section.push(entry);
      entry[first[1] as string] = unquote(first[2] as string);
      continue;
    }
    const next = KEY.exec(line);
    if (
      next === null ||
      entry === undefined ||
      next[1] === '__proto__' ||
      Object.hasOwn(entry, next[1] as string)
    )
      return undefined;
    entry[next[1] as string] = unquote(next[2] as string);
  }
  return out;
}

/** The value of a YAML single-quoted scalar's text: `''` is one quote, nothing else is escaped. */
function unquote(text: string): string {
  return text.includes("''") ? text.replaceAll("''", "'") : text;
}

/** A replacement with its `$N` placeholders filled from the match; undefined when empty. */
function fill(replacement: string | undefined, m: RegExpExecArray, group: number): string | undefined {
  if (replacement === undefined) return m[group];
  const value = replacement.replace(/\$(\d)/g, (_, n: string) => m[Number(n)] ?? '').trim();
  return value === '' ? undefined : value;
}

interface Named {
  readonly name: string;
  readonly version: readonly (string | undefined)[];
}

function ruleRegex(rule: UapRule): RegExp {
  if (rule.regex === undefined) rule.regex = new RegExp(rule.source, rule.ignoreCase ? 'i' : '');
  return rule.regex;
}

/**
 * The first rule that matches, as uap-core's reference semantics: group 1 names, 2-5 version.
 * Rules whose literals are absent are skipped unrun: the same answer, without compiling or
 * running hundreds of regexes per UA string (`prefilter` false runs them all, for tests).
 */
function firstMatch(list: readonly UapRule[], scan: LiteralScan, prefilter: boolean): Named | undefined {
  const text = scan.text;
  for (const rule of list) {
    if (prefilter && rule.literals !== undefined && !scan.mayContain(rule.literals)) continue;
    const m = ruleRegex(rule).exec(text);
    if (!m) continue;
    const name = fill(rule.family, m, 1);
    if (name === undefined) continue;
    return {
      name,
      version: [fill(rule.v1, m, 2), fill(rule.v2, m, 3), fill(rule.v3, m, 4), fill(rule.v4, m, 5)],
    };
  }
  return undefined;
}

/** `major.minor.patch.build`, stopping at the first part that is absent or empty. */
function versionString(parts: readonly (string | undefined)[]): string | undefined {
  const present: string[] = [];
  for (const part of parts) {
    if (!part) break;
    present.push(part);
  }
  return present.length > 0 ? present.join('.') : undefined;
}

/** The options it reads (its OptionReader's list, published in the pipeline JSON Schema). */
const USER_AGENT_OPTIONS = ['field', 'target', 'cache_size'] as const;

/**
 * `user_agent`: parses a User-Agent header into ECS fields with the regexes of uap-core
 * (the ua-parser project's data, Apache-2.0), the data and field rules of Elasticsearch's
 * user_agent processor, which Filebeat's modules use: the same header gives the same
 * `name`, `version`, `os.*` and `device.name` in both.
 *
 * Options:
 *   field       default "user_agent.original"
 *   target      default "user_agent"; writes name ("Other" when no browser rule matches),
 *               version, os.name, os.version, os.full (os name + version, only with a
 *               version), device.name ("Other" when no device rule matches)
 *   cache_size  distinct UA strings remembered per worker; default 10000 (0 disables)
 *
 * Any string is parsed (a `-` gives name and device "Other", as in Elasticsearch); an
 * empty or absent field is left alone. This is never a failure.
 */
export const userAgent: ProcessorFactory = withOptions(USER_AGENT_OPTIONS, (options, context): Processor => {
  const o = new OptionReader(options, context, USER_AGENT_OPTIONS);
  const source = fieldPath(o.field('field', 'user_agent.original'));
  const target = fieldPath(o.field('target', 'user_agent'));
  const cacheSize = o.number('cache_size', 10_000, 0, 1_000_000);
  const data = uapRules();
  // UA strings repeat heavily in access logs; trying the rules costs up to a millisecond.
  // What is remembered is ready to write (see ParsedAgent).
  const cache = new AgentCache(cacheSize);

  return {
    name: 'user_agent',
    apply(event) {
      const ua = getField(event, source);
      if (typeof ua !== 'string' || ua === '') return event;
      let parsed = cache.get(ua);
      if (parsed === undefined) {
        parsed = prepare(target, toEcs(data, ua, true));
        cache.set(ua, parsed);
      }
      // The values are strings, shared between events without copying.
      for (const group of parsed) {
        const node = objectAt(event, group.path);
        for (let i = 0; i < group.keys.length; i++)
          setOwn(node, group.keys[i] as string, group.values[i] as JsonValue);
      }
      return event;
    },
  };
});

/**
 * The ECS fields of one UA string, ready to write: grouped by their parent object under the
 * target (`user_agent`, `user_agent.os`...), in the order toEcs gives them, so each parent
 * is looked up once per event instead of once per field. Writing a group's keys into
 * `objectAt(path)` is what setField of each full path does, in the same order.
 */
type ParsedAgent = readonly { readonly path: readonly string[]; keys: string[]; values: JsonValue[] }[];

function prepare(target: readonly string[], fields: JsonObject): ParsedAgent {
  const groups: { path: string[]; keys: string[]; values: JsonValue[] }[] = [];
  for (const key of Object.keys(fields)) {
    const parts = key.split('.');
    const path = [...target, ...parts.slice(0, -1)];
    let group = groups[groups.length - 1];
    if (group === undefined || group.path.join('.') !== path.join('.')) {
      group = { path, keys: [], values: [] };
      groups.push(group);
    }
    group.keys.push(parts[parts.length - 1] as string);
    const value = fields[key] as JsonValue;
    group.values.push(typeof value === 'string' ? latin1Copy(value) : value);
  }
  return groups;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the whole Latin-1 range is what it tests
const LATIN1 = /^[\u0000-\u00ff]*$/;

/**
 * The same text in V8's one-byte representation when it fits. Names and versions come
 * from regexes.yaml's replacements, substrings of a file with characters beyond Latin-1,
 * so V8 keeps them two bytes per character; one such value in an event switched the whole
 * document's JSON.stringify to two-byte output, which the UTF-8 write then flattened and
 * narrowed again (a tenth of a parser worker's CPU on apache.access, perf, 2026-12-05).
 * A `latin1` decode always makes a one-byte string; this runs once per distinct agent.
 */
function latin1Copy(text: string): string {
  return LATIN1.test(text) ? Buffer.from(text, 'latin1').toString('latin1') : text;
}

/**
 * Parsed agents by UA string, at most `size` of them (0 remembers none). Keyed by a digest
 * of the string (its length and a few of its characters) with the string itself checked in
 * the digest's bucket: a Map keyed by the string hashes all of its 100-300 characters on
 * every lookup (a UA is a fresh substring of each line, its hash not yet known), which cost
 * more than writing the fields.
 */
class AgentCache {
  private readonly buckets = new Map<number, { ua: string; parsed: ParsedAgent }[]>();
  private count = 0;

  constructor(private readonly size: number) {}

  get(ua: string): ParsedAgent | undefined {
    const bucket = this.buckets.get(digest(ua));
    if (bucket === undefined) return undefined;
    for (const entry of bucket) if (entry.ua === ua) return entry.parsed;
    return undefined;
  }

  set(ua: string, parsed: ParsedAgent): void {
    if (this.size === 0) return;
    if (this.count >= this.size) {
      this.buckets.clear();
      this.count = 0;
    }
    const key = digest(ua);
    const bucket = this.buckets.get(key);
    // Flattened: the key is kept for good, not the line it was cut from.
    const entry = { ua: flat(ua), parsed };
    if (bucket === undefined) this.buckets.set(key, [entry]);
    else bucket.push(entry);
    this.count += 1;
  }
}

/** A small integer from the length and seven characters spread over the string. */
function digest(ua: string): number {
  const n = ua.length;
  let h = n;
  for (let k = 1; k <= 7; k++) h = (Math.imul(h, 31) + ua.charCodeAt((n * k) >> 3)) | 0;
  return h & 0x3fffffff;
}

/** A copy of `text` that shares no memory with the string it may have been sliced from. */
function flat(text: string): string {
  return (' ' + text).slice(1);
}

/**
 * The ECS fields (relative to the target) that user_agent writes for `ua`; `prefilter`
 * false tries every rule's regex, as the reference the prefiltered path is tested against.
 */
export function userAgentFields(ua: string, prefilter = true): JsonObject {
  return toEcs(uapRules(), ua, prefilter);
}

/** Reused by every call (its bitmaps are 4 KiB): toEcs runs to the end before the next call. */
let scan: LiteralScan | undefined;

function toEcs(data: UapRules, ua: string, prefilter: boolean): JsonObject {
  const out: JsonObject = {};
  scan ??= new LiteralScan();
  const hay = scan.reset(ua);
  const agent = firstMatch(data.agents, hay, prefilter);
  out.name = agent?.name ?? 'Other';
  const version = agent && versionString(agent.version);
  if (version) out.version = version;
  const os = firstMatch(data.os, hay, prefilter);
  if (os) {
    out['os.name'] = os.name;
    const osVersion = versionString(os.version);
    if (osVersion) {
      out['os.version'] = osVersion;
      out['os.full'] = `${os.name} ${osVersion}`;
    }
  }
  out['device.name'] = firstMatch(data.devices, hay, prefilter)?.name ?? 'Other';
  hay.release();
  return out;
}
