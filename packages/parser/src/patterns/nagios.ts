import type { PatternFile } from './library.js';

/**
 * Logstash's `nagios` file: nagios.log lines, `[epoch] TYPE: field;field;...`, for state,
 * alert, notification, flapping, downtime, passive check, event handler and timeperiod
 * lines and the external commands Logstash knows. NAGIOSLOGLINE tries them all, in
 * Logstash's order.
 */

// The line types and external command names are literal text, the same in both modes.
const TYPES = [
  'CURRENT_SERVICE_STATE',
  'CURRENT_HOST_STATE',
  'SERVICE_NOTIFICATION',
  'HOST_NOTIFICATION',
  'SERVICE_ALERT',
  'HOST_ALERT',
  'SERVICE_FLAPPING_ALERT',
  'HOST_FLAPPING_ALERT',
  'SERVICE_DOWNTIME_ALERT',
  'HOST_DOWNTIME_ALERT',
  'PASSIVE_SERVICE_CHECK',
  'PASSIVE_HOST_CHECK',
  'SERVICE_EVENT_HANDLER',
  'HOST_EVENT_HANDLER',
  'EXTERNAL_COMMAND',
  'TIMEPERIOD_TRANSITION',
];
const COMMANDS = [
  'DISABLE_SVC_CHECK',
  'ENABLE_SVC_CHECK',
  'DISABLE_HOST_CHECK',
  'ENABLE_HOST_CHECK',
  'PROCESS_SERVICE_CHECK_RESULT',
  'PROCESS_HOST_CHECK_RESULT',
  'SCHEDULE_SERVICE_DOWNTIME',
  'SCHEDULE_HOST_DOWNTIME',
  'DISABLE_HOST_SVC_NOTIFICATIONS',
  'ENABLE_HOST_SVC_NOTIFICATIONS',
  'DISABLE_HOST_NOTIFICATIONS',
  'ENABLE_HOST_NOTIFICATIONS',
  'DISABLE_SVC_NOTIFICATIONS',
  'ENABLE_SVC_NOTIFICATIONS',
];

const shared: Record<string, string> = {};
for (const type of TYPES) shared[`NAGIOS_TYPE_${type}`] = type.replaceAll('_', ' ');
for (const command of COMMANDS) shared[`NAGIOS_EC_${command}`] = command;
shared.NAGIOSLOGLINE = `%{NAGIOSTIME} (?:${[
  'WARNING',
  'CURRENT_SERVICE_STATE',
  'CURRENT_HOST_STATE',
  'SERVICE_NOTIFICATION',
  'HOST_NOTIFICATION',
  'SERVICE_ALERT',
  'HOST_ALERT',
  'SERVICE_FLAPPING_ALERT',
  'HOST_FLAPPING_ALERT',
  'SERVICE_DOWNTIME_ALERT',
  'HOST_DOWNTIME_ALERT',
  'PASSIVE_SERVICE_CHECK',
  'PASSIVE_HOST_CHECK',
  'SERVICE_EVENT_HANDLER',
  'HOST_EVENT_HANDLER',
  'TIMEPERIOD_TRANSITION',
  'EC_LINE_DISABLE_SVC_CHECK',
  'EC_LINE_ENABLE_SVC_CHECK',
  'EC_LINE_DISABLE_HOST_CHECK',
  'EC_LINE_ENABLE_HOST_CHECK',
  'EC_LINE_PROCESS_HOST_CHECK_RESULT',
  'EC_LINE_PROCESS_SERVICE_CHECK_RESULT',
  'EC_LINE_SCHEDULE_HOST_DOWNTIME',
  'EC_LINE_DISABLE_HOST_SVC_NOTIFICATIONS',
  'EC_LINE_ENABLE_HOST_SVC_NOTIFICATIONS',
  'EC_LINE_DISABLE_HOST_NOTIFICATIONS',
  'EC_LINE_ENABLE_HOST_NOTIFICATIONS',
  'EC_LINE_DISABLE_SVC_NOTIFICATIONS',
  'EC_LINE_ENABLE_SVC_NOTIFICATIONS',
]
  .map((name) => `%{NAGIOS_${name}}`)
  .join('|')})`;

/** The field names of one mode, so each line shape is written once. */
interface NagiosNames {
  time: string;
  type: string;
  host: string;
  service: string;
  state: string;
  /** The state type of CURRENT_*_STATE lines. */
  stateType: string;
  /** The state type of alert and event handler lines (legacy: "statelevel"). */
  alertStateType: string;
  /** CURRENT_*_STATE's attempt field (legacy: a DATA "statecode"). */
  currentAttempt: string;
  /** *_ALERT's attempt field. */
  alertAttempt: string;
  message: string;
  notifyName: string;
  contact: string;
  comment: string;
  eventHandler: string;
  periodFrom: string;
  periodTo: string;
  command: string;
  checkResult: string;
  startTime: string;
  endTime: string;
  fixed: string;
  triggerId: string;
  duration: string;
  author: string;
  downtimeComment: string;
}

function nagiosLines(n: NagiosNames): Record<string, string> {
  const type = (t: string) => `%{NAGIOS_TYPE_${t}:${n.type}}: `;
  const ec = (c: string) => `%{NAGIOS_TYPE_EXTERNAL_COMMAND:${n.type}}: %{NAGIOS_EC_${c}:${n.command}};`;
  return {
    NAGIOSTIME: String.raw`\[%{NUMBER:${n.time}}\]`,
    NAGIOS_WARNING: `Warning:%{SPACE}%{GREEDYDATA:${n.message}}`,
    NAGIOS_CURRENT_SERVICE_STATE: `${type('CURRENT_SERVICE_STATE')}%{DATA:${n.host}};%{DATA:${n.service}};%{DATA:${n.state}};%{DATA:${n.stateType}};${n.currentAttempt};%{GREEDYDATA:${n.message}}`,
    NAGIOS_CURRENT_HOST_STATE: `${type('CURRENT_HOST_STATE')}%{DATA:${n.host}};%{DATA:${n.state}};%{DATA:${n.stateType}};${n.currentAttempt};%{GREEDYDATA:${n.message}}`,
    NAGIOS_SERVICE_NOTIFICATION: `${type('SERVICE_NOTIFICATION')}%{DATA:${n.notifyName}};%{DATA:${n.host}};%{DATA:${n.service}};%{DATA:${n.state}};%{DATA:${n.contact}};%{GREEDYDATA:${n.message}}`,
    NAGIOS_HOST_NOTIFICATION: `${type('HOST_NOTIFICATION')}%{DATA:${n.notifyName}};%{DATA:${n.host}};%{DATA:${n.state}};%{DATA:${n.contact}};%{GREEDYDATA:${n.message}}`,
    NAGIOS_SERVICE_ALERT: `${type('SERVICE_ALERT')}%{DATA:${n.host}};%{DATA:${n.service}};%{DATA:${n.state}};%{DATA:${n.alertStateType}};${n.alertAttempt};%{GREEDYDATA:${n.message}}`,
    NAGIOS_HOST_ALERT: `${type('HOST_ALERT')}%{DATA:${n.host}};%{DATA:${n.state}};%{DATA:${n.alertStateType}};${n.alertAttempt};%{GREEDYDATA:${n.message}}`,
    NAGIOS_SERVICE_FLAPPING_ALERT: `${type('SERVICE_FLAPPING_ALERT')}%{DATA:${n.host}};%{DATA:${n.service}};%{DATA:${n.state}};%{GREEDYDATA:${n.message}}`,
    NAGIOS_HOST_FLAPPING_ALERT: `${type('HOST_FLAPPING_ALERT')}%{DATA:${n.host}};%{DATA:${n.state}};%{GREEDYDATA:${n.message}}`,
    NAGIOS_SERVICE_DOWNTIME_ALERT: `${type('SERVICE_DOWNTIME_ALERT')}%{DATA:${n.host}};%{DATA:${n.service}};%{DATA:${n.state}};%{GREEDYDATA:${n.comment}}`,
    NAGIOS_HOST_DOWNTIME_ALERT: `${type('HOST_DOWNTIME_ALERT')}%{DATA:${n.host}};%{DATA:${n.state}};%{GREEDYDATA:${n.comment}}`,
    NAGIOS_PASSIVE_SERVICE_CHECK: `${type('PASSIVE_SERVICE_CHECK')}%{DATA:${n.host}};%{DATA:${n.service}};%{DATA:${n.state}};%{GREEDYDATA:${n.comment}}`,
    NAGIOS_PASSIVE_HOST_CHECK: `${type('PASSIVE_HOST_CHECK')}%{DATA:${n.host}};%{DATA:${n.state}};%{GREEDYDATA:${n.comment}}`,
    NAGIOS_SERVICE_EVENT_HANDLER: `${type('SERVICE_EVENT_HANDLER')}%{DATA:${n.host}};%{DATA:${n.service}};%{DATA:${n.state}};%{DATA:${n.alertStateType}};%{DATA:${n.eventHandler}}`,
    NAGIOS_HOST_EVENT_HANDLER: `${type('HOST_EVENT_HANDLER')}%{DATA:${n.host}};%{DATA:${n.state}};%{DATA:${n.alertStateType}};%{DATA:${n.eventHandler}}`,
    NAGIOS_TIMEPERIOD_TRANSITION: `${type('TIMEPERIOD_TRANSITION')}%{DATA:${n.service}};%{NUMBER:${n.periodFrom}};%{NUMBER:${n.periodTo}}`,
    NAGIOS_EC_LINE_DISABLE_SVC_CHECK: `${ec('DISABLE_SVC_CHECK')}%{DATA:${n.host}};%{DATA:${n.service}}`,
    NAGIOS_EC_LINE_DISABLE_HOST_CHECK: `${ec('DISABLE_HOST_CHECK')}%{DATA:${n.host}}`,
    NAGIOS_EC_LINE_ENABLE_SVC_CHECK: `${ec('ENABLE_SVC_CHECK')}%{DATA:${n.host}};%{DATA:${n.service}}`,
    NAGIOS_EC_LINE_ENABLE_HOST_CHECK: `${ec('ENABLE_HOST_CHECK')}%{DATA:${n.host}}`,
    NAGIOS_EC_LINE_PROCESS_SERVICE_CHECK_RESULT: `${ec('PROCESS_SERVICE_CHECK_RESULT')}%{DATA:${n.host}};%{DATA:${n.service}};%{DATA:${n.state}};%{GREEDYDATA:${n.checkResult}}`,
    NAGIOS_EC_LINE_PROCESS_HOST_CHECK_RESULT: `${ec('PROCESS_HOST_CHECK_RESULT')}%{DATA:${n.host}};%{DATA:${n.state}};%{GREEDYDATA:${n.checkResult}}`,
    NAGIOS_EC_LINE_DISABLE_HOST_SVC_NOTIFICATIONS: `${ec('DISABLE_HOST_SVC_NOTIFICATIONS')}%{GREEDYDATA:${n.host}}`,
    NAGIOS_EC_LINE_DISABLE_HOST_NOTIFICATIONS: `${ec('DISABLE_HOST_NOTIFICATIONS')}%{GREEDYDATA:${n.host}}`,
    NAGIOS_EC_LINE_DISABLE_SVC_NOTIFICATIONS: `${ec('DISABLE_SVC_NOTIFICATIONS')}%{DATA:${n.host}};%{GREEDYDATA:${n.service}}`,
    NAGIOS_EC_LINE_ENABLE_HOST_SVC_NOTIFICATIONS: `${ec('ENABLE_HOST_SVC_NOTIFICATIONS')}%{GREEDYDATA:${n.host}}`,
    NAGIOS_EC_LINE_ENABLE_HOST_NOTIFICATIONS: `${ec('ENABLE_HOST_NOTIFICATIONS')}%{GREEDYDATA:${n.host}}`,
    NAGIOS_EC_LINE_ENABLE_SVC_NOTIFICATIONS: `${ec('ENABLE_SVC_NOTIFICATIONS')}%{DATA:${n.host}};%{GREEDYDATA:${n.service}}`,
    NAGIOS_EC_LINE_SCHEDULE_HOST_DOWNTIME: `${ec('SCHEDULE_HOST_DOWNTIME')}%{DATA:${n.host}};%{NUMBER:${n.startTime}};%{NUMBER:${n.endTime}};%{NUMBER:${n.fixed}};%{NUMBER:${n.triggerId}};%{NUMBER:${n.duration}};%{DATA:${n.author}};%{DATA:${n.downtimeComment}}`,
  };
}

export const nagiosPatterns: PatternFile = {
  name: 'nagios',
  shared,
  ecs: nagiosLines({
    time: 'timestamp',
    type: '[nagios][log][type]',
    host: '[host][hostname]',
    service: '[service][name]',
    state: '[service][state]',
    stateType: '[nagios][log][state_type]',
    alertStateType: '[nagios][log][state_type]',
    currentAttempt: '%{INT:[nagios][log][attempt]:int}',
    alertAttempt: '%{INT:[nagios][log][attempt]:int}',
    message: 'message',
    notifyName: '[user][name]',
    contact: '[nagios][log][notification_command]',
    comment: '[nagios][log][comment]',
    eventHandler: '[nagios][log][event_handler_name]',
    periodFrom: '[nagios][log][period_from]:int',
    periodTo: '[nagios][log][period_to]:int',
    command: '[nagios][log][command]',
    checkResult: '[nagios][log][check_result]',
    startTime: '[nagios][log][start_time]',
    endTime: '[nagios][log][end_time]',
    fixed: '[nagios][log][fixed]',
    triggerId: '[nagios][log][trigger_id]',
    duration: '[nagios][log][duration]:int',
    author: '[user][name]',
    downtimeComment: '[nagios][log][comment]',
  }),
  legacy: nagiosLines({
    time: 'nagios_epoch',
    type: 'nagios_type',
    host: 'nagios_hostname',
    service: 'nagios_service',
    state: 'nagios_state',
    stateType: 'nagios_statetype',
    alertStateType: 'nagios_statelevel',
    currentAttempt: '%{DATA:nagios_statecode}',
    alertAttempt: '%{NUMBER:nagios_attempt}',
    message: 'nagios_message',
    notifyName: 'nagios_notifyname',
    contact: 'nagios_contact',
    comment: 'nagios_comment',
    eventHandler: 'nagios_event_handler_name',
    periodFrom: 'nagios_unknown1',
    periodTo: 'nagios_unknown2',
    command: 'nagios_command',
    checkResult: 'nagios_check_result',
    startTime: 'nagios_start_time',
    endTime: 'nagios_end_time',
    fixed: 'nagios_fixed',
    triggerId: 'nagios_trigger_id',
    duration: 'nagios_duration',
    author: 'author',
    downtimeComment: 'comment',
  }),
};
