import { type JsonObject, type JsonValue, setField } from '@sluice/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseUri, uriParts } from './uri-parts.js';

const where = 'p.yaml:3: processor 1 (uri_parts)';

describe('parseUri (Elasticsearch uri_parts rules)', () => {
  it('splits a request target: path, extension, query; decodes escapes in path and query only', () => {
    expect(parseUri('/assets/app.min.js?v=3&q=a%20b+c')).toEqual({
      path: '/assets/app.min.js',
      extension: 'js',
      query: 'v=3&q=a b+c',
    });
    expect(parseUri('/caf%C3%A9/%7Bx%7D')).toEqual({ path: '/café/{x}' });
    expect(parseUri('/')).toEqual({ path: '/' });
  });

  it('takes the extension from the last segment only', () => {
    expect(parseUri('/a.b/c')).toEqual({ path: '/a.b/c' });
    expect(parseUri('/.htaccess')).toEqual({ path: '/.htaccess', extension: 'htaccess' });
    expect(parseUri('/dir.')).toEqual({ path: '/dir.', extension: '' });
    expect(parseUri('*')).toEqual({ path: '*' });
  });

  it('splits absolute URLs into scheme, domain, port, user info and fragment', () => {
    expect(parseUri('https://bob:s3cret@shop.example.com:8443/cart/item.html?id=7#top')).toEqual({
      scheme: 'https',
      domain: 'shop.example.com',
      port: 8443,
      user_info: 'bob:s3cret',
      username: 'bob',
      password: 's3cret',
      path: '/cart/item.html',
      extension: 'html',
      query: 'id=7',
      fragment: 'top',
    });
    expect(parseUri('http://[2001:db8::1]:8080')).toEqual({
      scheme: 'http',
      domain: '[2001:db8::1]',
      port: 8080,
      path: '',
    });
  });

  it('reads //x as an authority and scheme:x without a slash as opaque, as java.net.URI does', () => {
    expect(parseUri('//wp-login.php')).toEqual({ domain: 'wp-login.php', path: '' });
    expect(parseUri('example.com:443')).toEqual({ scheme: 'example.com' });
    expect(parseUri('http://under_score.example/x')).toEqual({ scheme: 'http', path: '/x' });
  });

  it('accepts [] in the query but not in the path; non-ASCII letters anywhere', () => {
    expect(parseUri('/p?a[]=1')).toEqual({ path: '/p', query: 'a[]=1' });
    expect(parseUri('/p[1]')).toBeUndefined();
    expect(parseUri('/straße')).toEqual({ path: '/straße' });
  });

  it('refuses forbidden characters and bad escapes, unless an http URL (split raw)', () => {
    for (const bad of ['/a b', '/x\\x22', '/a|b', '/{id}', '/a%zz', '/a%e', '/p?q="x"', '/a#b#c']) {
      expect(parseUri(bad), bad).toBeUndefined();
    }
    expect(parseUri('http://example.com/a b?c|d')).toEqual({
      scheme: 'http',
      domain: 'example.com',
      path: '/a b',
      query: 'c|d',
    });
  });

  it('decodes bytes that are not UTF-8 to U+FFFD', () => {
    expect(parseUri('/a%E9b')).toEqual({ path: '/a\ufffdb' });
  });
});

describe('uri_parts processor', () => {
  it('writes into the target beside what is there, and keeps the original', () => {
    const p = uriParts({ field: 'url.original' }, { where });
    expect(p.apply({ url: { original: '/x.php?a=1', domain: 'kept' } })).toEqual({
      url: { original: '/x.php?a=1', domain: 'kept', path: '/x.php', extension: 'php', query: 'a=1' },
    });
    const q = uriParts({ field: 'tmp', target: 'u', keep_original: false }, { where });
    expect(q.apply({ tmp: '/a' })).toEqual({ tmp: '/a', u: { path: '/a' } });
  });

  it('tags text that is no URI, leaves absent fields alone', () => {
    const p = uriParts({ field: 'url.original' }, { where });
    expect(p.apply({ url: { original: '/a b' } })).toEqual({
      url: { original: '/a b' },
      tags: ['_uripartsfailure'],
    });
    expect(p.apply({})).toEqual({});
    const quiet = uriParts({ field: 'url.original', tag_on_failure: [] }, { where });
    expect(quiet.apply({ url: { original: 7 } })).toEqual({ url: { original: 7 } });
  });

  it('needs a field', () => {
    expect(() => uriParts({}, { where })).toThrow(/"field" must be/);
  });
});

describe('uri_parts writes what setField of each part wrote', () => {
  it('over targets that held other shapes, key order included', () => {
    const uri = fc.constantFrom(
      '/static/js/app.2399.js',
      '/a?x=1#f',
      'https://user:pw@example.com:8443/p/q.tar.gz?x#y',
      'mailto:x@example.com',
      'host:443',
      'not a uri',
      '/caf%C3%A9',
    );
    const before = fc.constantFrom<JsonValue | undefined>(
      undefined,
      'text',
      null,
      [1],
      { path: 'old', z: 1 },
      {},
    );
    for (const [target, keepOriginal] of [
      ['url', false],
      ['url', true],
      ['a.__proto__.url', true],
    ] as const) {
      const p = uriParts({ field: 'u', target, keep_original: keepOriginal }, { where });
      fc.assert(
        fc.property(uri, before, (u, existing) => {
          const event: JsonObject = { u };
          if (existing !== undefined) setField(event, target, structuredClone(existing));
          const expected = structuredClone(event);
          const parts = parseUri(u);
          if (parts === undefined) expected.tags = ['_uripartsfailure'];
          else {
            if (keepOriginal) parts.original = u;
            for (const key of Object.keys(parts))
              setField(expected, `${target}.${key}`, parts[key] as JsonValue);
          }
          expect(JSON.stringify(p.apply(event))).toBe(JSON.stringify(expected));
        }),
        { numRuns: 200 },
      );
    }
  });
});
