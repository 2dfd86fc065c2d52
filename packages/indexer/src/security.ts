import { IndexError } from '@sluice/core';

/**
 * Turns an Elasticsearch 401/403 answer into an error a user can act on. The classic
 * case is `action [indices:admin/auto_create] is unauthorized for user [u] ... on indices
 * [logs-2024.05.01], this action is granted by the index privileges [auto_configure,create_index,manage,all]`:
 * the writer may index but not create the daily index; the hint says what to grant, or
 * how to pre-create the index instead.
 */
export function securityError(status: number, reason: string, fallbackIndex?: string): IndexError {
  if (status === 401) {
    return new IndexError(`Elasticsearch rejected the credentials (401): ${reason}`, {
      retriable: false,
      hint: 'check ELASTICSEARCH_USERNAME/ELASTICSEARCH_PASSWORD or ELASTICSEARCH_API_KEY (or --es-user/--es-api-key); the API key may have expired',
    });
  }
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
