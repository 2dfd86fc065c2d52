import { ConfigError, redactUrl, SluiceError } from '@sluice/core';

export interface ImportOptions {
  /** Kibana base URL, e.g. http://127.0.0.1:5601 (credentials in the URL become Basic auth). */
  readonly kibana: string;
  /** Sent as `Authorization: ApiKey …` when given (e.g. from KIBANA_API_KEY). */
  readonly apiKey?: string;
  /** Kibana space; objects go to the default space when absent. */
  readonly space?: string;
  readonly timeoutMs?: number;
}

export interface ImportResult {
  readonly successCount: number;
}

interface ImportResponse {
  success?: boolean;
  successCount?: number;
  errors?: { id: string; type: string; error?: { type?: string; message?: string; reason?: string } }[];
  message?: string;
}

/**
 * Uploads an ndjson export to Kibana's saved-objects import API with `overwrite=true`, so
 * running setup again replaces Sluice's objects instead of failing on conflicts.
 * Unreachable Kibana and rejected uploads are ConfigErrors (exit 2) with a hint; the URL is
 * printed without its credentials.
 */
export async function importSavedObjects(ndjson: string, options: ImportOptions): Promise<ImportResult> {
  const { url, authorization } = parseKibanaUrl(options.kibana);
  const space = options.space ? `/s/${encodeURIComponent(options.space)}` : '';
  const endpoint = new URL(
    `${url.pathname.replace(/\/$/, '')}${space}/api/saved_objects/_import?overwrite=true`,
    url,
  );
  const headers: Record<string, string> = { 'kbn-xsrf': 'sluice' };
  if (options.apiKey) headers.authorization = `ApiKey ${options.apiKey}`;
  else if (authorization) headers.authorization = authorization;

  const form = new FormData();
  form.append('file', new Blob([ndjson], { type: 'application/ndjson' }), 'sluice.ndjson');

  const shown = redactUrl(options.kibana);
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers,
      body: form,
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (error) {
    const reason = networkReason(error);
    throw new ConfigError(`cannot reach Kibana at ${shown}: ${reason}`, {
      cause: error,
      hint: 'start Kibana (docker compose -f deploy/compose.yaml up -d kibana) or pass --kibana http://HOST:5601',
    });
  }
  const text = await response.text();
  let body: ImportResponse = {};
  try {
    body = JSON.parse(text) as ImportResponse;
  } catch {
    // Not JSON (a proxy's error page, say): reported below with the status.
  }
  if (response.status === 401 || response.status === 403) {
    throw new ConfigError(`Kibana at ${shown} refused the import (${response.status})`, {
      hint: 'give credentials in the URL (http://USER:PASSWORD@HOST:5601) or set KIBANA_API_KEY',
    });
  }
  if (!response.ok) {
    const detail = body.message ?? text.slice(0, 200);
    throw new ConfigError(`Kibana at ${shown} rejected the import (${response.status}): ${detail}`, {
      hint: 'is this Kibana 8.x? the saved objects need Kibana 8.8 or later',
    });
  }
  if (body.success !== true) {
    const errors = (body.errors ?? []).map((e) =>
      `${e.type} ${e.id}: ${e.error?.type ?? ''} ${e.error?.message ?? e.error?.reason ?? ''}`.trim(),
    );
    throw new SluiceError(
      `Kibana imported ${body.successCount ?? 0} objects and refused ${errors.length}: ${errors.join('; ')}`,
      {
        exitCode: 2,
        hint: 'see the Kibana server log for the full reason',
      },
    );
  }
  return { successCount: body.successCount ?? 0 };
}

function parseKibanaUrl(value: string): { url: URL; authorization?: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`--kibana must be a URL like http://127.0.0.1:5601, got "${redactUrl(value)}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`--kibana must be an http:// or https:// URL, got "${redactUrl(value)}"`);
  }
  // fetch refuses URLs with credentials; move them into a header.
  let authorization: string | undefined;
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  return { url, authorization };
}

function networkReason(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer in time';
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
