import type { ModuleDefinition } from './types.js';

/** nginx access log in the predefined `combined` format, optionally with `"$http_x_forwarded_for"`. */
export const nginxAccess: ModuleDefinition = {
  name: 'nginx.access',
  description: 'nginx access log, the predefined "combined" format (optionally + X-Forwarded-For)',
  steps: [
    { grok: { patterns: ['%{NGINX_ACCESS}'] } },
    { date: { field: 'timestamp', formats: ['dd/MMM/yyyy:HH:mm:ss Z'] } },
  ],
};
