import { errorMessage } from '@sluice/core';

// Reading what the Elasticsearch client threw. Decisions about those answers are not made
// here: they go through the outcome policy table (../policy.ts).

/** The HTTP status of a client error, or undefined when Elasticsearch gave no answer at all. */
export function statusOf(error: unknown): number | undefined {
  const meta = (error as { meta?: { statusCode?: unknown } } | null)?.meta;
  return typeof meta?.statusCode === 'number' && meta.statusCode > 0 ? meta.statusCode : undefined;
}

/** The error type and reason of a client error: Elasticsearch's own when it answered, the client's otherwise. */
export function reasonOf(error: unknown): { type: string; reason: string } {
  const body = (error as { meta?: { body?: unknown } } | null)?.meta?.body as
    | { error?: { type?: string; reason?: string } | string }
    | undefined;
  const e = body?.error;
  if (e && typeof e === 'object')
    return { type: e.type ?? 'unknown', reason: e.reason ?? errorMessage(error) };
  return {
    type: (error as Error)?.name ?? 'unknown',
    reason: typeof e === 'string' ? e : errorMessage(error),
  };
}

/** No connection at all (refused, reset, DNS): as opposed to a timeout, where Elasticsearch may be busy. */
export function isConnectionFailure(error: unknown): boolean {
  const name = (error as Error | null)?.name;
  return name === 'ConnectionError' || name === 'NoLivingConnectionsError';
}
