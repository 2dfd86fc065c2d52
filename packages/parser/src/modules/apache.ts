import type { ModuleDefinition } from './types.js';

/** Apache httpd access log, Common or Combined Log Format (mod_log_config). */
export const apacheAccess: ModuleDefinition = {
  name: 'apache.access',
  description: 'Apache httpd access log, Common or Combined Log Format',
  steps: [
    { grok: { patterns: ['%{HTTPD_ACCESSLOG}'] } },
    { date: { field: 'timestamp', formats: ['dd/MMM/yyyy:HH:mm:ss Z'] } },
  ],
};
