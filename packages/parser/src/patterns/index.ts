import { appPatterns } from './apps.js';
import { basePatterns } from './base.js';
import { httpdPatterns } from './httpd.js';
import { javaPatterns } from './java.js';
import { linuxPatterns } from './linux.js';
import { nginxPatterns } from './nginx.js';
import { syslogPatterns } from './syslog.js';

export {
  appPatterns,
  basePatterns,
  httpdPatterns,
  javaPatterns,
  linuxPatterns,
  nginxPatterns,
  syslogPatterns,
};

/** The built-in library: every set merged. Names are unique across sets (a test checks it). */
export const builtinPatterns: Readonly<Record<string, string>> = {
  ...basePatterns,
  ...httpdPatterns,
  ...syslogPatterns,
  ...nginxPatterns,
  ...javaPatterns,
  ...linuxPatterns,
  ...appPatterns,
};

export const patternSets: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  base: basePatterns,
  httpd: httpdPatterns,
  syslog: syslogPatterns,
  nginx: nginxPatterns,
  java: javaPatterns,
  linux: linuxPatterns,
  apps: appPatterns,
};
