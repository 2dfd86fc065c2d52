import { finish, relatedHost } from './common.js';
import { SHIPPER_ZONE, syslogMultiline } from './syslog.js';
import type { ModuleDefinition } from './types.js';

const ACCOUNT_TOOLS = ['groupadd', 'groupdel', 'groupmod', 'useradd', 'userdel', 'usermod'];

/** Set by the message patterns; without any of them the free-text user rules run. */
const MATCHED = [
  'system.auth.ssh.event',
  'system.auth.ssh.dropped_ip',
  'system.auth.sudo.tty',
  'group.name',
  'system.auth.useradd.home',
].map((exists) => ({ exists }));

/**
 * auth.log / secure, with the fields of Filebeat's system/auth module: the syslog header,
 * sshd logins (system.auth.ssh.*, user.name, source.ip/port, event.outcome), sudo
 * (system.auth.sudo.*, user.effective.name), useradd/groupadd (user.id, group.name,
 * group.id, system.auth.useradd.*, event.category iam), the users PAM names in free text,
 * event.category/type/action/outcome, and related.user/ip/hosts. Brute-force sources are
 * one terms aggregation on `source.ip` filtered by `event.outcome: failure`.
 * Unlike Filebeat, `message` is kept on lines whose details were extracted.
 */
export const auth: ModuleDefinition = {
  name: 'auth',
  description: 'Linux auth.log / secure: sshd logins, sudo, su/PAM sessions, useradd/groupadd',
  steps: [
    { grok: { patterns: ['^%{AUTH_HEADER}'] } },
    {
      grok: {
        field: 'message',
        patterns: [
          '^%{SSHD_LOGIN}',
          '^%{SSHD_INVALID_USER}',
          '^%{SSHD_DROPPED}',
          '^%{SUDO_COMMAND}',
          '^%{GROUPADD_NEW}',
          '^%{USERADD_NEW}',
        ],
        tag_on_failure: [],
      },
      if: { exists: 'message' },
    },
    {
      grok: {
        field: 'message',
        patterns: ['%{PAM_FOR_BY_UID}', '%{PAM_FOR_BY}', '%{PAM_FOR}', '%{PAM_BY}', '%{PAM_QUOTED_USER}'],
        tag_on_failure: [],
      },
      if: { all: [{ exists: 'message' }, { not: { any: MATCHED } }] },
    },
    {
      mutate: { copy: { 'source.address': 'source.ip' } },
      if: {
        field: 'source.address',
        matches: '^(?:[0-9]{1,3}(?:\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)$',
      },
    },
    {
      mutate: { copy: { 'source.address': 'source.domain' } },
      if: { all: [{ exists: 'source.address' }, { not: { exists: 'source.ip' } }] },
    },
    { mutate: { copy: { 'system.auth.sudo.user': 'user.effective.name' } } },
    {
      mutate: { copy: { 'system.auth.ssh.dropped_ip': 'source.ip' } },
      if: {
        field: 'system.auth.ssh.dropped_ip',
        matches: '^(?:[0-9]{1,3}(?:\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)$',
      },
    },
    {
      mutate: { remove: ['system.auth.ssh.dropped_ip'] },
      if: { all: [{ exists: 'system.auth.ssh.dropped_ip' }, { not: { exists: 'source.ip' } }] },
    },
    {
      mutate: {
        add: {
          'event.type': ['info'],
          'event.category': ['authentication', 'session'],
          'event.action': 'ssh_login',
          'event.outcome': 'success',
        },
      },
      if: { field: 'system.auth.ssh.event', equals: 'Accepted' },
    },
    {
      mutate: {
        add: {
          'event.type': ['info'],
          'event.category': ['authentication'],
          'event.action': 'ssh_login',
          'event.outcome': 'failure',
        },
      },
      if: { field: 'system.auth.ssh.event', in: ['Failed', 'Invalid'] },
    },
    {
      mutate: [{ append: { 'event.category': 'iam' } }, { add: { 'event.outcome': 'success' } }],
      if: { field: 'process.name', in: ACCOUNT_TOOLS },
    },
    // Filebeat calls an account change failed when its unparsed message says "fail".
    {
      mutate: { add: { 'event.outcome': 'failure' } },
      if: {
        all: [
          { field: 'process.name', in: ACCOUNT_TOOLS },
          { field: 'message', matches: 'fail' },
          { not: { any: MATCHED } },
        ],
      },
    },
    {
      mutate: { append: { 'event.type': 'user' } },
      if: { field: 'process.name', in: ['useradd', 'userdel', 'usermod'] },
    },
    {
      mutate: { append: { 'event.type': 'group' } },
      if: { field: 'process.name', in: ['groupadd', 'groupdel', 'groupmod'] },
    },
    {
      mutate: { append: { 'event.type': 'creation' } },
      if: { field: 'process.name', in: ['useradd', 'groupadd'] },
    },
    {
      mutate: { append: { 'event.type': 'deletion' } },
      if: { field: 'process.name', in: ['userdel', 'groupdel'] },
    },
    {
      mutate: { append: { 'event.type': 'change' } },
      if: { field: 'process.name', in: ['usermod', 'groupmod'] },
    },
    {
      mutate: {
        append: {
          'related.user': ['%{[user][name]}', '%{[user][effective][name]}'],
          'related.ip': '%{[source][ip]}',
        },
      },
    },
    ...relatedHost,
    ...finish('auth', ['MMM  d HH:mm:ss', 'MMM dd HH:mm:ss', 'ISO8601'], SHIPPER_ZONE),
  ],
  multiline: syslogMultiline,
};
