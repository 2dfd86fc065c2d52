import type { PatternFile } from './library.js';

/**
 * Logstash's `linux-syslog` file: syslogd and rsyslog lines (RFC 3164 with either a BSD or
 * an ISO 8601 timestamp), RFC 5424 lines, PAM session and cron messages. SYSLOGBASE,
 * SYSLOGPROG and SYSLOGFACILITY themselves live in `grok-patterns`, as in Logstash.
 */
export const linuxSyslogPatterns: PatternFile = {
  name: 'linux-syslog',
  shared: {
    SYSLOG5424PRINTASCII: '[!-~]+',
    CRON_ACTION: '[A-Z ]+',
    // One or more SD-ELEMENTs; each closing bracket is the first "]" that lets the rest
    // match, as in Logstash.
    SYSLOG5424SD: String.raw`\[%{DATA}\]+`,
  },
  ecs: {
    // Every part after the timestamp is optional, so a line without a host or tag matches.
    SYSLOGBASE2:
      '(?:%{SYSLOGTIMESTAMP:timestamp}|%{TIMESTAMP_ISO8601:timestamp})(?: %{SYSLOGFACILITY})?(?: %{SYSLOGHOST:[host][hostname]})?(?: %{SYSLOGPROG}:)?',
    SYSLOGPAMSESSION: String.raw`%{SYSLOGBASE} (?=%{GREEDYDATA:message})%{WORD:[system][auth][pam][module]}\(%{DATA:[system][auth][pam][origin]}\): session %{WORD:[system][auth][pam][session_state]} for user %{USERNAME:[user][name]}(?: by %{GREEDYDATA})?`,
    CRONLOG: String.raw`%{SYSLOGBASE} \(%{USER:[user][name]}\) %{CRON_ACTION:[system][cron][action]} \(%{DATA:message}\)`,
    SYSLOGLINE: '%{SYSLOGBASE2} %{GREEDYDATA:message}',
    SYSLOG5424PRI: '<%{NONNEGINT:[log][syslog][priority]:int}>',
    SYSLOG5424BASE:
      '%{SYSLOG5424PRI}%{NONNEGINT:[system][syslog][version]} +(?:-|%{TIMESTAMP_ISO8601:timestamp}) +(?:-|%{IPORHOST:[host][hostname]}) +(?:-|%{SYSLOG5424PRINTASCII:[process][name]}) +(?:-|%{POSINT:[process][pid]:int}) +(?:-|%{SYSLOG5424PRINTASCII:[event][code]}) +(?:-|%{SYSLOG5424SD:[system][syslog][structured_data]})?',
    SYSLOG5424LINE: '%{SYSLOG5424BASE} +%{GREEDYDATA:message}',
  },
  legacy: {
    // Logstash repeats the host ("logsource+"); more than three pieces never happens in a
    // real line and a bound keeps a long dotted word from backtracking exponentially.
    SYSLOGBASE2:
      '(?:%{SYSLOGTIMESTAMP:timestamp}|%{TIMESTAMP_ISO8601:timestamp8601}) (?:%{SYSLOGFACILITY} )?(?:%{SYSLOGHOST:logsource}){1,3}(?: %{SYSLOGPROG}:|)',
    SYSLOGPAMSESSION: String.raw`%{SYSLOGBASE} (?=%{GREEDYDATA:message})%{WORD:pam_module}\(%{DATA:pam_caller}\): session %{WORD:pam_session_state} for user %{USERNAME:username}(?: by %{GREEDYDATA:pam_by})?`,
    CRONLOG: String.raw`%{SYSLOGBASE} \(%{USER:user}\) %{CRON_ACTION:action} \(%{DATA:message}\)`,
    SYSLOGLINE: '%{SYSLOGBASE2} %{GREEDYDATA:message}',
    SYSLOG5424PRI: '<%{NONNEGINT:syslog5424_pri:int}>',
    SYSLOG5424BASE:
      '%{SYSLOG5424PRI}%{NONNEGINT:syslog5424_ver:int} +(?:%{TIMESTAMP_ISO8601:syslog5424_ts}|-) +(?:%{IPORHOST:syslog5424_host}|-) +(?:-|%{SYSLOG5424PRINTASCII:syslog5424_app}) +(?:-|%{SYSLOG5424PRINTASCII:syslog5424_proc}) +(?:-|%{SYSLOG5424PRINTASCII:syslog5424_msgid}) +(?:%{SYSLOG5424SD:syslog5424_sd}|-|)',
    SYSLOG5424LINE: '%{SYSLOG5424BASE} +%{GREEDYDATA:syslog5424_msg}',
  },
};
