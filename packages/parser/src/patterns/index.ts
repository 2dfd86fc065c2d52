import { awsPatterns } from './aws.js';
import { baculaPatterns } from './bacula.js';
import { bindPatterns } from './bind.js';
import { broPatterns } from './bro.js';
import { eximPatterns } from './exim.js';
import { firewallsPatterns } from './firewalls.js';
import { grokPatterns } from './grok-patterns.js';
import { haproxyPatterns } from './haproxy.js';
import { httpdPatterns } from './httpd.js';
import { javaPatterns } from './java.js';
import { junosPatterns } from './junos.js';
import {
  definitionsOf,
  type EcsCompatibility,
  type PatternDefinitions,
  type PatternFile,
  sameInBothModes,
} from './library.js';
import { linuxSyslogPatterns } from './linux-syslog.js';
import { mavenPatterns } from './maven.js';
import { mcollectiveLegacyPatterns, mcollectivePatterns } from './mcollective.js';
import { appModulePatterns } from './module-apps.js';
import { authModulePatterns } from './module-auth.js';
import { mysqlModulePatterns } from './module-mysql.js';
import { syslogModulePatterns } from './module-syslog.js';
import { webModulePatterns } from './module-web.js';
import { mongodbPatterns } from './mongodb.js';
import { nagiosPatterns } from './nagios.js';
import { postgresqlPatterns } from './postgresql.js';
import { railsPatterns } from './rails.js';
import { redisPatterns } from './redis.js';
import { rubyPatterns } from './ruby.js';
import { squidPatterns } from './squid.js';
import { zeekPatterns } from './zeek.js';

export type { EcsCompatibility, PatternFile } from './library.js';
export {
  definitionsOf,
  ECS_COMPATIBILITY_VALUES,
  LOGSTASH_PATTERN_FILES,
  parseEcsCompatibility,
} from './library.js';

/**
 * The built-in library, file by file: Logstash's standard pattern files (the same names in
 * both naming modes) and the patterns Sluice's own modules use. Names are unique across
 * files within a mode (a test checks it).
 */
export const patternFiles: readonly PatternFile[] = [
  // Logstash's standard files (logstash-patterns-core), both naming modes.
  awsPatterns,
  baculaPatterns,
  bindPatterns,
  broPatterns,
  eximPatterns,
  firewallsPatterns,
  grokPatterns,
  haproxyPatterns,
  httpdPatterns,
  javaPatterns,
  junosPatterns,
  linuxSyslogPatterns,
  mavenPatterns,
  mcollectivePatterns,
  mcollectiveLegacyPatterns,
  mongodbPatterns,
  nagiosPatterns,
  postgresqlPatterns,
  railsPatterns,
  redisPatterns,
  rubyPatterns,
  squidPatterns,
  zeekPatterns,
  // Sluice's modules: their own names, ECS fields in both modes (module-*.ts).
  sameInBothModes('module-web', webModulePatterns),
  sameInBothModes('module-syslog', syslogModulePatterns),
  sameInBothModes('module-auth', authModulePatterns),
  sameInBothModes('module-apps', appModulePatterns),
  sameInBothModes('module-mysql', mysqlModulePatterns),
];

const libraries = new Map<EcsCompatibility, PatternDefinitions>();

/** Every built-in definition in one naming mode, merged (built once per mode). */
export function builtinLibrary(mode: EcsCompatibility = 'v1'): PatternDefinitions {
  let library = libraries.get(mode);
  if (library === undefined) {
    library = Object.assign(
      {},
      ...patternFiles.map((file) => definitionsOf(file, mode)),
    ) as PatternDefinitions;
    libraries.set(mode, library);
  }
  return library;
}

/** The default (ECS v1) library. */
export const builtinPatterns: PatternDefinitions = builtinLibrary('v1');
