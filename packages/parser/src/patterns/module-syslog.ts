/**
 * The patterns of the syslog and auth modules, written to give what Filebeat's system
 * module and syslog parser give on the same lines (field names, and where a value starts
 * and ends), so that dashboards and queries built on Filebeat's output work unchanged.
 * They are the modules' own, apart from Logstash's standard SYSLOG* patterns (syslog.ts),
 * which follow Logstash. ECS names in both naming modes.
 *
 * RFC 3164 as files hold it (`Mmm dd hh:mm:ss host program[pid]: message`, or rsyslog's
 * ISO 8601 timestamp instead): the program is everything up to the first `: ` or `[pid]: `
 * (lazily), so `Google Chrome`, `sshd(pam_unix)` and `/usr/sbin/cron` are names, and the
 * macOS form `com.apple.xpc.launchd[1] (com.apple.foo[42])` is one name without a pid,
 * exactly as Filebeat splits it. A pid is a positive integer without leading zeros
 * (`kernel[0]` and `prog[007]` stay part of the name, as in Filebeat). A line whose header
 * is not `host program:` (`--- last message repeated 2 times ---`, a line without a host)
 * keeps everything after the timestamp as the message.
 */
export const syslogModulePatterns: Readonly<Record<string, string>> = {
  SLUICE_SYSLOGPRI: String.raw`<%{NONNEGINT:[log][syslog][priority]:int}>`,
  // syslog-ng's and Logstash's `<facility.severity>` numbers after the timestamp.
  SLUICE_SYSLOGFACILITY: String.raw`<%{NONNEGINT:[log][syslog][facility][code]:int}\.%{NONNEGINT:[log][syslog][severity][code]:int}>`,
  // BusyBox syslogd writes `facility.level` names between the host and the program.
  SLUICE_SYSLOGLEVELNAMES: String.raw`(?<[log][syslog][facility][name]>kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|ntp|security|console|local[0-7])\.(?<[log][syslog][severity][name]>emerg|alert|crit|err|warn|warning|notice|info|debug|panic|error)`,
  SLUICE_SYSLOGTIME: String.raw`(?:%{SYSLOGTIMESTAMP:timestamp}|%{TIMESTAMP_ISO8601:timestamp})`,
  SLUICE_SYSLOGHOST: String.raw`%{IPORHOST}`,
  SLUICE_SYSLOGPROG: String.raw`%{DATA:[process][name]}(?:\[%{POSINT:[process][pid]:int}\])?`,
  // The message runs to the end of the event, continuation lines included.
  SLUICE_SYSLOGMESSAGE: String.raw`[\s\S]*`,
  SLUICE_SYSLOGHEADER: String.raw`(?:%{SLUICE_SYSLOGPRI})?%{SLUICE_SYSLOGTIME} (?:%{SLUICE_SYSLOGFACILITY} )?`,
  SLUICE_SYSLOGLINE: String.raw`%{SLUICE_SYSLOGHEADER}%{SLUICE_SYSLOGHOST:[host][hostname]} (?:%{SLUICE_SYSLOGLEVELNAMES} )?%{SLUICE_SYSLOGPROG}: %{SLUICE_SYSLOGMESSAGE:message}$`,
  // No `host program:` after the timestamp: the rest is the message.
  SLUICE_SYSLOGBARELINE: String.raw`%{SLUICE_SYSLOGHEADER}%{SLUICE_SYSLOGMESSAGE:message}$`,

  // RFC 5424: <PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG],
  // `-` for a value that is absent. Names and values as Filebeat's syslog parser writes
  // them under log.syslog (version and procid are strings there).
  SLUICE_SYSLOG5424PRINTASCII: String.raw`[!-~]+`,
  // One SD-ELEMENT: [id param="value" ...], where a value escapes '"', '\' and ']' with '\'.
  SLUICE_SYSLOG5424SDELEMENT: String.raw`\[[^\]\s"=]+(?: [^\]\s"=]+="[^"\\]*(?:\\.[^"\\]*)*")*\]`,
  SLUICE_SYSLOG5424SD: String.raw`(?:%{SLUICE_SYSLOG5424SDELEMENT})+`,
  SLUICE_SYSLOG5424BASE: String.raw`%{SLUICE_SYSLOGPRI}%{NONNEGINT:[log][syslog][version]} +(?:-|%{TIMESTAMP_ISO8601:timestamp}) +(?:-|%{SLUICE_SYSLOG5424PRINTASCII:[log][syslog][hostname]}) +(?:-|%{SLUICE_SYSLOG5424PRINTASCII:[log][syslog][appname]}) +(?:-|%{SLUICE_SYSLOG5424PRINTASCII:[log][syslog][procid]}) +(?:-|%{SLUICE_SYSLOG5424PRINTASCII:[log][syslog][msgid]}) +(?:-|%{SLUICE_SYSLOG5424SD:[log][syslog][structured_data]})`,
  // MSG may start with a UTF-8 byte order mark (RFC 5424 section 6.4), which is not text.
  SLUICE_SYSLOG5424LINE: String.raw`%{SLUICE_SYSLOG5424BASE}(?: \uFEFF?%{SLUICE_SYSLOGMESSAGE:message})?$`,
};
