import type { ModuleSteps } from '../pipeline/compile.js';
import { apacheAccess } from './apache.js';
import { nginxAccess } from './nginx.js';
import type { ModuleDefinition } from './types.js';

export type { ModuleDefinition, MultilineRule } from './types.js';

/** Every module by name. A new module is one definition plus one line here. */
export const modules: Readonly<Record<string, ModuleDefinition>> = Object.fromEntries(
  [nginxAccess, apacheAccess].map((m) => [m.name, m]),
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
