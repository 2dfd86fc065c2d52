import { describe, expect, it } from 'vitest';
import { securityError } from './security.js';

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

  it('says where credentials come from on 401', () => {
    const error = securityError(401, 'unable to authenticate user [x]');
    expect(error.message).toBe(
      'Elasticsearch rejected the credentials (401): unable to authenticate user [x]',
    );
    expect(error.hint).toContain('ELASTICSEARCH_USERNAME');
  });
});
