import { finish } from './common.js';
import type { ModuleDefinition } from './types.js';

/**
 * auth.log / secure: the syslog header, then sshd logins (user, source address and port,
 * method, outcome), sudo commands and PAM sessions. `event.outcome` is `success` or
 * `failure` for logins, so brute-force sources are one terms aggregation on `source.ip`.
 */
export const auth: ModuleDefinition = {
  name: 'auth',
  description: 'Linux auth.log / secure: sshd logins (user, source IP, outcome), sudo, PAM sessions',
  steps: [
    { grok: { patterns: ['^%{SLUICE_SYSLOGLINE}'] } },
    { grok: { patterns: ['^%{SSHD_MESSAGE}', '^%{SUDO_COMMAND}', '^%{PAM_SESSION}'], tag_on_failure: [] } },
    {
      mutate: {
        add: { 'event.category': 'authentication', 'event.action': 'ssh_login', 'event.outcome': 'success' },
      },
      if: { field: 'system.auth.ssh.event', equals: 'Accepted' },
    },
    {
      mutate: {
        add: { 'event.category': 'authentication', 'event.action': 'ssh_login', 'event.outcome': 'failure' },
      },
      if: { field: 'system.auth.ssh.event', in: ['Failed', 'Invalid'] },
    },
    { mutate: { add: { 'event.action': 'sudo' } }, if: { exists: 'system.auth.sudo.command' } },
    ...finish('auth', ['MMM  d HH:mm:ss', 'MMM dd HH:mm:ss']),
  ],
};
