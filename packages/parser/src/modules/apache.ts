import { finish, sourceIp } from './common.js';
import type { ModuleDefinition } from './types.js';

/** Apache httpd access log, Common or Combined Log Format (mod_log_config). */
export const apacheAccess: ModuleDefinition = {
  name: 'apache.access',
  description: 'Apache httpd access log, Common or Combined Log Format',
  steps: [
    { grok: { patterns: ['^%{APACHE_ACCESS}'] } },
    { user_agent: {}, if: { exists: 'user_agent.original' } },
    sourceIp,
    ...finish('apache.access', ['dd/MMM/yyyy:HH:mm:ss Z']),
  ],
};

/** Apache httpd error log, 2.2 (`[date] [level] [client ip]`) and 2.4 (`[module:level] [pid:tid] AHnnnnn:`) layouts. */
export const apacheError: ModuleDefinition = {
  name: 'apache.error',
  description: 'Apache httpd error log, 2.2 and 2.4 layouts',
  steps: [
    { grok: { patterns: ['^%{APACHE_ERROR}'] } },
    sourceIp,
    ...finish('apache.error', ['EEE MMM dd HH:mm:ss.SSSSSS yyyy', 'EEE MMM dd HH:mm:ss yyyy']),
  ],
};
