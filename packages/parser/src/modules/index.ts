import type { ModuleSteps } from '../pipeline/compile.js';
import { apacheAccess, apacheError } from './apache.js';
import { docker, java, python, rails } from './apps.js';
import { auth } from './auth.js';
import { mysqlError, mysqlSlowlog } from './mysql.js';
import { nginxAccess, nginxError } from './nginx.js';
import { syslogRfc3164, syslogRfc5424 } from './syslog.js';
import type { ModuleDefinition } from './types.js';

export type { ModuleDefinition, MultilineRule } from './types.js';

/** Every module by name. A new module is one definition plus one entry here. */
export const modules: Readonly<Record<string, ModuleDefinition>> = Object.fromEntries(
  [
    nginxAccess,
    nginxError,
    apacheAccess,
    apacheError,
    syslogRfc3164,
    syslogRfc5424,
    auth,
    python,
    rails,
    mysqlError,
    mysqlSlowlog,
    docker,
    java,
  ].map((m) => [m.name, m]),
);

export function moduleNames(): string[] {
  return Object.keys(modules).sort();
}

/** For the pipeline compiler's `module: NAME` steps and `PipelineSource.module`. */
export function resolveModule(name: string): ModuleSteps | undefined {
  const module = modules[name];
  if (!module) return undefined;
  return { specs: module.steps, where: () => `module ${name}` };
}
