import { grok } from '../grok/processor.js';
import type { ProcessorFactory } from '../processor.js';
import { clientIp } from './client-ip.js';
import { date } from './date.js';
import { dissect } from './dissect.js';
import { drop } from './drop.js';
import { fingerprint } from './fingerprint.js';
import { geoip } from './geoip.js';
import { json } from './json.js';
import { kv } from './kv.js';
import { mutate } from './mutate.js';
import { redact } from './redact.js';
import { syslogPri } from './syslog-pri.js';
import { syslogSd } from './syslog-sd.js';
import { uriParts } from './uri-parts.js';
import { userAgent } from './user-agent.js';

/**
 * Config key -> factory. A new processor is one file beside this one plus one line here.
 * Keys are the names users write in a pipeline file (`- date: {...}`), verbs like Logstash's.
 */
export const processorRegistry: Readonly<Record<string, ProcessorFactory>> = {
  grok,
  date,
  dissect,
  drop,
  json,
  kv,
  mutate,
  fingerprint,
  geoip,
  redact,
  syslog_pri: syslogPri,
  syslog_sd: syslogSd,
  user_agent: userAgent,
  client_ip: clientIp,
  uri_parts: uriParts,
};

export function knownProcessors(
  registry: Readonly<Record<string, ProcessorFactory>> = processorRegistry,
): string[] {
  return Object.keys(registry).sort();
}
