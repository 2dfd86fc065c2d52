import type { PatternFile } from './library.js';

/**
 * Logstash's `junos` file: the RT_FLOW session messages of Juniper SRX firewalls (Junos
 * 11.4 "brief" structured syslog): session close with its reason and byte counts
 * (RT_FLOW1), session create (RT_FLOW2) and policy deny (RT_FLOW3).
 *
 * ECS v1 reads "None" NAT rule names as absent and types ports and byte counts; legacy keeps
 * Logstash's dashed names (`src-ip`, `close-reason`) and strings throughout.
 */

const ECS_FLOW = String.raw`%{IP:[source][ip]}/%{INT:[source][port]:int}->%{IP:[destination][ip]}/%{INT:[destination][port]:int} %{DATA:[juniper][srx][service_name]}`;
const ECS_NAT = [
  String.raw`%{IP:[source][nat][ip]}/%{INT:[source][nat][port]:int}->%{IP:[destination][nat][ip]}/%{INT:[destination][nat][port]:int}`,
  String.raw`(?:(?:None)|(?:%{DATA:[juniper][srx][src_nat_rule_name]})) (?:(?:None)|(?:%{DATA:[juniper][srx][dst_nat_rule_name]}))`,
  String.raw`%{INT:[network][iana_number]} %{DATA:[rule][name]} %{DATA:[observer][ingress][zone]} %{DATA:[observer][egress][zone]} %{INT:[juniper][srx][session_id]}`,
].join(' ');

const LEGACY_FLOW = String.raw`%{IP:src-ip}/%{INT:src-port}->%{IP:dst-ip}/%{INT:dst-port} %{DATA:service}`;
const LEGACY_NAT = [
  String.raw`%{IP:nat-src-ip}/%{INT:nat-src-port}->%{IP:nat-dst-ip}/%{INT:nat-dst-port}`,
  String.raw`%{DATA:src-nat-rule-name} %{DATA:dst-nat-rule-name}`,
  String.raw`%{INT:protocol-id} %{DATA:policy-name} %{DATA:from-zone} %{DATA:to-zone} %{INT:session-id}`,
].join(' ');

export const junosPatterns: PatternFile = {
  name: 'junos',
  ecs: {
    RT_FLOW_TAG: String.raw`(?:RT_FLOW_SESSION_CREATE|RT_FLOW_SESSION_CLOSE|RT_FLOW_SESSION_DENY)`,
    // Logstash's ECS file defines the old name as the literal text "RT_FLOW_TAG" (not a
    // reference); kept as it is so that %{RT_FLOW_EVENT} behaves the same.
    RT_FLOW_EVENT: String.raw`RT_FLOW_TAG`,
    RT_FLOW1: String.raw`%{RT_FLOW_TAG:[juniper][srx][tag]}: %{GREEDYDATA:[juniper][srx][reason]}: ${ECS_FLOW} ${ECS_NAT} \d+\(%{INT:[source][bytes]:int}\) \d+\(%{INT:[destination][bytes]:int}\) %{INT:[juniper][srx][elapsed_time]:int} .*`,
    RT_FLOW2: String.raw`%{RT_FLOW_TAG:[juniper][srx][tag]}: session created ${ECS_FLOW} ${ECS_NAT} .*`,
    RT_FLOW3: String.raw`%{RT_FLOW_TAG:[juniper][srx][tag]}: session denied ${ECS_FLOW} %{INT:[network][iana_number]}\(\d\) %{DATA:[rule][name]} %{DATA:[observer][ingress][zone]} %{DATA:[observer][egress][zone]} .*`,
  },
  legacy: {
    RT_FLOW_EVENT: String.raw`(?:RT_FLOW_SESSION_CREATE|RT_FLOW_SESSION_CLOSE|RT_FLOW_SESSION_DENY)`,
    RT_FLOW1: String.raw`%{RT_FLOW_EVENT:event}: %{GREEDYDATA:close-reason}: ${LEGACY_FLOW} ${LEGACY_NAT} \d+\(%{DATA:sent}\) \d+\(%{DATA:received}\) %{INT:elapsed-time} .*`,
    RT_FLOW2: String.raw`%{RT_FLOW_EVENT:event}: session created ${LEGACY_FLOW} ${LEGACY_NAT} .*`,
    RT_FLOW3: String.raw`%{RT_FLOW_EVENT:event}: session denied ${LEGACY_FLOW} %{INT:protocol-id}\(\d\) %{DATA:policy-name} %{DATA:from-zone} %{DATA:to-zone} .*`,
  },
};
