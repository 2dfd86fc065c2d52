import { ConfigError, IndexError } from '@sluice/core';
import type { ElasticsearchAuth } from './options.js';

/** Where credentials come from; the CLI takes none on its command line (they would show in `ps`). */
const CREDENTIALS = 'ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD, or ELASTICSEARCH_API_KEY';

/**
 * Turns an Elasticsearch 401/403 answer into an error a user can act on. The classic
 * case is `action [indices:admin/auto_create] is unauthorized for user [u] ... on indices
 * [logs-2024.05.01], this action is granted by the index privileges [auto_configure,create_index,manage,all]`:
 * the writer may index but not create the daily index; the hint says what to grant, or
 * how to pre-create the index instead.
 *
 * `auth`, the credentials that were sent (`null`: none; `undefined`: not known here), makes a
 * 401 name them by user or kind, never by their secret part.
 */
export function securityError(
  status: number,
  reason: string,
  fallbackIndex?: string,
  auth?: ElasticsearchAuth | null,
): IndexError {
  if (status === 401) return authenticationError(reason, auth);
  const action = /action \[([^\]]+)\]/.exec(reason)?.[1];
  const user = /for user \[([^\]]+)\]/.exec(reason)?.[1];
  const indices = /on indices \[([^\]]+)\]/.exec(reason)?.[1] ?? fallbackIndex;
  const granted = /granted by the (index|cluster) privileges \[([^\]]+)\]/.exec(reason);
  const scope = granted?.[1] ?? (action?.startsWith('cluster:') ? 'cluster' : 'index');
  const privileges = granted?.[2]?.split(',') ?? [];
  const what = action ? `privilege for ${action}` : 'privilege';
  const on = indices ? ` on index [${indices}]` : '';
  const message = `Elasticsearch denied the ${what}${on}${user ? ` to user [${user}]` : ''} (403)`;
  let hint: string;
  if (action === 'indices:admin/auto_create' || action === 'indices:admin/create') {
    hint =
      `grant the role of ${user ? `[${user}]` : 'the sluice user'} the index privilege "${privileges[0] ?? 'auto_configure'}" (or "create_index") on the index pattern` +
      `${indices ? ` covering [${indices}]` : ''}, or pre-create the index as an admin: PUT /${indices ?? '<index>'}`;
  } else if (privileges.length > 0) {
    hint = `grant the ${scope} privilege "${privileges[0]}" (any of: ${privileges.join(', ')})${indices ? ` on [${indices}]` : ''} to the role of ${user ? `[${user}]` : 'the sluice user'}`;
  } else {
    hint = `grant the index privileges "create_doc" and "auto_configure"${indices ? ` on [${indices}]` : ''} to the sluice user; the reason was: ${reason}`;
  }
  return new IndexError(message, { retriable: false, hint });
}

/** 401: say which credentials were refused (never their secret part) and where they come from. */
function authenticationError(reason: string, auth: ElasticsearchAuth | null | undefined): IndexError {
  if (auth === null) {
    return new IndexError(`Elasticsearch needs credentials (401): ${reason}`, {
      retriable: false,
      hint: `set ${CREDENTIALS}`,
    });
  }
  if (auth && 'apiKey' in auth) {
    return new IndexError(`Elasticsearch rejected the API key (401): ${reason}`, {
      retriable: false,
      hint: 'check ELASTICSEARCH_API_KEY: it takes the "encoded" value that POST /_security/api_key returns (base64 of id:api_key); the key may have expired or been invalidated',
    });
  }
  if (auth) {
    return new IndexError(`Elasticsearch rejected the password of user [${auth.username}] (401): ${reason}`, {
      retriable: false,
      hint: 'check ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD; the user may also be unknown to the realm, or disabled',
    });
  }
  return new IndexError(`Elasticsearch rejected the credentials (401): ${reason}`, {
    retriable: false,
    hint: `check ${CREDENTIALS}; an API key may have expired`,
  });
}

/**
 * The reason of a 401/403 from a failed client call, with the detail Elasticsearch adds when
 * it tried other credentials too ("API key: apikey authentication for id X encountered a
 * failure"). Undefined when the error carries no such body.
 */
export function securityReason(error: unknown): string | undefined {
  const body = (error as { meta?: { body?: unknown } } | null)?.meta?.body as
    | { error?: { reason?: unknown; additional_unsuccessful_credentials?: unknown } }
    | undefined;
  const reason = body?.error?.reason;
  if (typeof reason !== 'string') return undefined;
  const more = body?.error?.additional_unsuccessful_credentials;
  return typeof more === 'string' && more.length > 0 ? `${reason} (${more})` : reason;
}

// Node's messages for a certificate it does not trust, or a name the certificate does not cover.
const UNTRUSTED =
  /self[- ]signed certificate|unable to verify the first certificate|unable to get (local )?issuer certificate|certificate (has expired|is not yet valid|signature failure)|unable to get certificate/i;
const WRONG_NAME = /does not match certificate's altnames|ERR_TLS_CERT_ALTNAME_INVALID/i;
// OpenSSL's message when an https:// URL meets a plain-HTTP port.
const NOT_TLS = /wrong version number|packet length too long|http request/i;
const CLOSED = /other side closed|socket hang up/i;

/**
 * A connection error (no HTTP answer) explained when TLS is the likely cause: an untrusted or
 * misnamed certificate, or TLS on one side only. Certificate problems are ConfigErrors (no
 * retry fixes them). Undefined for every other error (refused, reset, timeout).
 */
export function tlsError(error: unknown, where: string): ConfigError | IndexError | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (UNTRUSTED.test(message)) {
    return new ConfigError(
      `Elasticsearch at ${where} presented a certificate that is not trusted: ${message}`,
      {
        cause: error,
        hint: 'give the PEM file of the CA that signed it with --es-ca FILE (indexer.tls.caFile); a node set up by Elasticsearch itself keeps it in config/certs/http_ca.crt',
      },
    );
  }
  if (WRONG_NAME.test(message)) {
    return new ConfigError(`Elasticsearch at ${where} presented a certificate for another name: ${message}`, {
      cause: error,
      hint: 'use the host name (or IP) that the certificate lists in its subjectAltName in the --es URL',
    });
  }
  if (where.startsWith('https:') && NOT_TLS.test(message)) {
    return new ConfigError(`Elasticsearch at ${where} does not speak TLS: ${message}`, {
      cause: error,
      hint: `use ${where.replace(/^https:/, 'http:')} (plain HTTP) or enable xpack.security.http.ssl on the node`,
    });
  }
  if (where.startsWith('http:') && CLOSED.test(message)) {
    // Elasticsearch 8 closes a plain-HTTP connection on its HTTPS port without a word. It could
    // also be a node going down, so this stays retriable; the hint names the likelier cause.
    return new IndexError(`Elasticsearch at ${where} closed the connection without an answer: ${message}`, {
      retriable: true,
      cause: error,
      hint: `if the node serves HTTPS (the default since Elasticsearch 8), use ${where.replace(/^http:/, 'https:')} with --es-ca FILE; otherwise check that it runs`,
    });
  }
  return undefined;
}
