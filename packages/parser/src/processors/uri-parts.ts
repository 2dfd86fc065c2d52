import { addTag, fieldPath, getField, objectAt, setOwn } from '@sluice/core';
import { type Processor, type ProcessorFactory, withOptions } from '../processor.js';
import { OptionReader } from './options.js';

export const URI_PARTS_FAILURE_TAG = '_uripartsfailure';

/** The options it reads (its OptionReader's list, published in the pipeline JSON Schema). */
const URI_PARTS_OPTIONS = ['field', 'target', 'keep_original', 'tag_on_failure'] as const;

/**
 * `uri_parts`: splits a URI (absolute, or a request target such as `/a/b.php?x=1`) into ECS
 * `url.*` parts, with the field names and value rules of Elasticsearch's ingest processor of
 * the same name, which Filebeat's web modules use: the same fields then hold the same values
 * whichever of the two parsed the line.
 *
 * Options:
 *   field           required: the URI text
 *   target          default "url"; writes scheme, domain, port (number), path, extension,
 *                   query, fragment, user_info, username and password (those present)
 *   keep_original   default true: also writes `<target>.original` (the text as read)
 *   tag_on_failure  default ["_uripartsfailure"]: text that is no URI writes nothing
 *
 * The rules, which are java.net.URI's (RFC 2396): path, query and fragment are
 * percent-decoded (UTF-8; a byte sequence that is not UTF-8 decodes to U+FFFD); `+` stays;
 * the extension is what follows the last `.` of the last path segment (`/a/b.tar.gz` ->
 * `gz`, `/a.b/c` -> none); `scheme:rest` without `/` after the colon is opaque (`host:443`
 * has a scheme and no path); a host that is not a DNS name or IP literal leaves domain out.
 * Text with characters RFC 2396 forbids (space, `"`, `\`, `|`, `{`, ...) or a bad `%`
 * escape is no URI, except an http/https/ftp/file URL, which is then split without decoding
 * (java.net.URL's leniency). Parts already in the target and not written stay.
 */
export const uriParts: ProcessorFactory = withOptions(URI_PARTS_OPTIONS, (options, context): Processor => {
  const o = new OptionReader(options, context, URI_PARTS_OPTIONS);
  const source = fieldPath(o.requiredField('field'));
  const target = fieldPath(o.field('target', 'url'));
  const keepOriginal = o.boolean('keep_original', true);
  const failureTags = o.failureTags(URI_PARTS_FAILURE_TAG);

  return {
    name: 'uri_parts',
    apply(event) {
      const value = getField(event, source);
      if (value === undefined) return event;
      const parts = typeof value === 'string' ? parseUri(value) : undefined;
      if (parts === undefined) {
        for (const tag of failureTags) addTag(event, tag);
        return event;
      }
      if (keepOriginal) parts.original = value as string;
      // What setField of each part wrote, the target's parents walked once.
      const keys = Object.keys(parts);
      if (keys.length === 0) return event;
      const node = objectAt(event, target);
      for (const key of keys) setOwn(node, key, parts[key] as string | number);
      return event;
    },
  };
});

// Character classes of RFC 2396 as java.net.URI applies them.
const UNRESERVED = "A-Za-z0-9\\-_.!~*'()";
// Besides US-ASCII, java.net.URI accepts "other" characters: not controls, not spaces.
const OTHER =
  '\\u00a1-\\u167f\\u1681-\\u1fff\\u200b-\\u2027\\u202a-\\u202e\\u2030-\\u205e\\u2060-\\u2fff\\u3001-\\ud7ff\\ue000-\\uffff\\ud800-\\udbff\\udc00-\\udfff';
const ESCAPED = '%[0-9A-Fa-f]{2}';
const PATH_CHARS = new RegExp(`^(?:[${UNRESERVED}${OTHER};/:@&=+$,]|${ESCAPED})*$`);
const URIC_CHARS = new RegExp(`^(?:[${UNRESERVED}${OTHER};/?:@&=+$,\\[\\]]|${ESCAPED})*$`);
const AUTHORITY_CHARS = new RegExp(`^(?:[${UNRESERVED}${OTHER};:&=+$,@\\[\\]]|${ESCAPED})*$`);
const USERINFO_CHARS = new RegExp(`^(?:[${UNRESERVED}${OTHER};:&=+$,]|${ESCAPED})*$`);
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
// A server-based authority: a DNS name (labels of letters, digits, inner hyphens; the last
// starts with a letter), an IPv4 address or a bracketed IPv6 literal, and an optional port.
const HOSTNAME = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.?$/;
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6_LITERAL = /^\[[0-9A-Fa-f:.]+(?:%[^\]]+)?\]$/;
const LENIENT_SCHEMES = new Set(['http', 'https', 'ftp', 'file', 'jar']);

export interface UriParts {
  [key: string]: string | number;
}

/** The parts of a URI (see uriParts), or undefined when the text is no URI. */
export function parseUri(text: string): UriParts | undefined {
  return parseStrict(text) ?? parseLenient(text);
}

function parseStrict(text: string): UriParts | undefined {
  const parts: UriParts = {};
  let rest = text;
  const hash = rest.indexOf('#');
  let fragment: string | undefined;
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
    if (!URIC_CHARS.test(fragment)) return undefined;
  }
  const scheme = SCHEME.exec(rest);
  if (scheme) {
    parts.scheme = scheme[1] as string;
    rest = rest.slice(scheme[0].length);
    if (rest === '') return undefined;
    if (!rest.startsWith('/')) {
      // Opaque (mailto:x, host:443): no authority, path or query.
      if (!URIC_CHARS.test(rest)) return undefined;
      if (fragment !== undefined) parts.fragment = decode(fragment);
      return parts;
    }
  }
  let query: string | undefined;
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
    if (!URIC_CHARS.test(query)) return undefined;
  }
  if (rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    const authority = end < 0 ? rest.slice(2) : rest.slice(2, end);
    rest = end < 0 ? '' : rest.slice(end);
    if (!authorityParts(authority, parts)) return undefined;
  }
  if (!PATH_CHARS.test(rest)) return undefined;
  setPath(parts, decode(rest));
  if (query !== undefined) parts.query = decode(query);
  if (fragment !== undefined) parts.fragment = decode(fragment);
  return parts;
}

/** Fills domain, port, user info; false when the authority has characters RFC 2396 forbids. */
function authorityParts(authority: string, parts: UriParts): boolean {
  if (!AUTHORITY_CHARS.test(authority)) return false;
  const at = authority.lastIndexOf('@');
  const userInfo = at >= 0 ? authority.slice(0, at) : undefined;
  const hostPort = at >= 0 ? authority.slice(at + 1) : authority;
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(hostPort);
  const host = m?.[1];
  const validHost =
    host !== undefined && host !== '' && (HOSTNAME.test(host) || IPV4.test(host) || IPV6_LITERAL.test(host));
  if (host?.startsWith('[') && !IPV6_LITERAL.test(host)) return false;
  // A registry-based authority (not host[:port]) is legal but has no domain, port or user.
  if (!validHost || (userInfo !== undefined && !USERINFO_CHARS.test(userInfo))) return true;
  parts.domain = host;
  if (m?.[2]) parts.port = Number(m[2]);
  if (userInfo !== undefined) setUserInfo(parts, decode(userInfo));
  return true;
}

/** java.net.URL's reading of what java.net.URI refused: no decoding, no validation. */
function parseLenient(text: string): UriParts | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s.exec(text);
  if (!m || !LENIENT_SCHEMES.has((m[1] as string).toLowerCase())) return undefined;
  const parts: UriParts = { scheme: (m[1] as string).toLowerCase() };
  const authority = m[2];
  if (authority !== undefined) {
    const at = authority.lastIndexOf('@');
    const hostPort = at >= 0 ? authority.slice(at + 1) : authority;
    const hp = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?/.exec(hostPort);
    if (hp?.[1]) parts.domain = hp[1];
    if (hp?.[2]) parts.port = Number(hp[2]);
    if (at >= 0) setUserInfo(parts, authority.slice(0, at));
  }
  setPath(parts, m[3] as string);
  if (m[4] !== undefined) parts.query = m[4];
  if (m[5] !== undefined) parts.fragment = m[5];
  return parts;
}

function setPath(parts: UriParts, path: string): void {
  parts.path = path;
  const lastSegment = path.slice(path.lastIndexOf('/') + 1);
  // Elasticsearch looks for the dot only when the path has a `/` at all.
  if (!path.includes('/')) return;
  const dot = lastSegment.lastIndexOf('.');
  if (dot >= 0) parts.extension = lastSegment.slice(dot + 1);
}

function setUserInfo(parts: UriParts, userInfo: string): void {
  parts.user_info = userInfo;
  const colon = userInfo.indexOf(':');
  if (colon >= 0) {
    parts.username = userInfo.slice(0, colon);
    parts.password = userInfo.slice(colon + 1);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Percent-decoding as java.net.URI does it: runs of escapes are UTF-8 bytes. */
function decode(text: string): string {
  if (!text.includes('%')) return text;
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    return utf8.decode(bytes);
  });
}
