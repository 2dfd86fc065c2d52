import { ConfigError, IndexError } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { securityError, securityReason, tlsError } from './security.js';

describe('securityError', () => {
  it('names the privilege and the index, and says what to grant or pre-create for auto_create', () => {
    const error = securityError(
      403,
      'action [indices:admin/auto_create] is unauthorized for user [sluice] with effective roles [writer] on indices [logs-2024.05.01], this action is granted by the index privileges [auto_configure,create_index,manage,all]',
    );
    expect(error.retriable).toBe(false);
    expect(error.message).toBe(
      'Elasticsearch denied the privilege for indices:admin/auto_create on index [logs-2024.05.01] to user [sluice] (403)',
    );
    expect(error.hint).toBe(
      'grant the role of [sluice] the index privilege "auto_configure" (or "create_index") on the index pattern covering [logs-2024.05.01], or pre-create the index as an admin: PUT /logs-2024.05.01',
    );
  });

  it('lists the privileges Elasticsearch names for other actions', () => {
    const error = securityError(
      403,
      'action [indices:data/write/bulk[s]] is unauthorized for user [ro] with effective roles [viewer] on indices [logs-x], this action is granted by the index privileges [create_doc,create,index,write,all]',
    );
    expect(error.hint).toContain(
      'grant the index privilege "create_doc" (any of: create_doc, create, index, write, all) on [logs-x]',
    );
  });

  it('says where credentials come from on 401, naming the user or the kind but never the secret', () => {
    const unknown = securityError(401, 'unable to authenticate user [x]');
    expect(unknown.message).toBe(
      'Elasticsearch rejected the credentials (401): unable to authenticate user [x]',
    );
    expect(unknown.hint).toContain('ELASTICSEARCH_USERNAME');

    const basic = securityError(401, 'unable to authenticate user [w] for REST request [/]', undefined, {
      username: 'w',
      password: 'p4ssw0rd',
    });
    expect(basic.message).toBe(
      'Elasticsearch rejected the password of user [w] (401): unable to authenticate user [w] for REST request [/]',
    );
    expect(basic.hint).toContain('ELASTICSEARCH_PASSWORD');
    expect(`${basic.message}${basic.hint}`).not.toContain('p4ssw0rd');

    const key = securityError(401, 'unable to authenticate', undefined, { apiKey: 'c2VjcmV0LWtleQ==' });
    expect(key.message).toBe('Elasticsearch rejected the API key (401): unable to authenticate');
    expect(key.hint).toContain('ELASTICSEARCH_API_KEY');
    expect(`${key.message}${key.hint}`).not.toContain('c2VjcmV0LWtleQ==');

    const none = securityError(
      401,
      'missing authentication credentials for REST request [/]',
      undefined,
      null,
    );
    expect(none.message).toBe(
      'Elasticsearch needs credentials (401): missing authentication credentials for REST request [/]',
    );
    expect(none.hint).toBe('set ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD, or ELASTICSEARCH_API_KEY');
  });
});

describe('securityReason', () => {
  it('adds what Elasticsearch says about the other credentials it tried', () => {
    const error = {
      meta: {
        body: {
          error: {
            reason: 'unable to authenticate with provided credentials',
            additional_unsuccessful_credentials:
              'API key: apikey authentication for id abc encountered a failure',
          },
        },
      },
    };
    expect(securityReason(error)).toBe(
      'unable to authenticate with provided credentials (API key: apikey authentication for id abc encountered a failure)',
    );
    expect(securityReason(new Error('socket hang up'))).toBeUndefined();
  });
});

describe('tlsError', () => {
  const where = 'https://es.example:9200';
  it.each([
    'self-signed certificate in certificate chain',
    'unable to verify the first certificate',
    'unable to get local issuer certificate',
    'certificate has expired',
  ])('an untrusted certificate (%s) is a ConfigError pointing at --es-ca', (message) => {
    const error = tlsError(new Error(message), where);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toBe(
      `Elasticsearch at ${where} presented a certificate that is not trusted: ${message}`,
    );
    expect(error?.hint).toContain('--es-ca FILE');
  });

  it('a certificate for another name says to use a name it lists', () => {
    const error = tlsError(
      new Error(
        "Hostname/IP does not match certificate's altnames: IP: 10.0.0.1 is not in the cert's list: ",
      ),
      where,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.hint).toContain('subjectAltName');
  });

  it('TLS on one side only: https to a plain port, http to an HTTPS port', () => {
    const https = tlsError(new Error('write EPROTO ... ssl3_get_record:wrong version number'), where);
    expect(https?.message).toContain('does not speak TLS');
    expect(https?.hint).toContain('http://es.example:9200');

    const http = tlsError(
      new Error('other side closed - Local: 127.0.0.1:1, Remote: 127.0.0.1:2'),
      'http://es:9200',
    );
    expect(http).toBeInstanceOf(IndexError);
    expect(http?.retriable).toBe(true);
    expect(http?.hint).toContain('use https://es:9200 with --es-ca FILE');
  });

  it('leaves other connection errors alone (they are retried)', () => {
    expect(tlsError(new Error('connect ECONNREFUSED 127.0.0.1:9200'), where)).toBeUndefined();
    expect(tlsError(new Error('other side closed'), where)).toBeUndefined();
  });
});
