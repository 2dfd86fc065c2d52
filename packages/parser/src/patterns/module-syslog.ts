/**
 * The patterns of the syslog and auth modules: RFC 3164 (BSD: `<PRI>Mmm dd hh:mm:ss host
 * tag[pid]: msg`, files written by syslogd drop the PRI) and RFC 5424 (`<PRI>VERSION
 * TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG`, `-` for a missing value).
 * They are the modules' own, apart from Logstash's standard SYSLOG* patterns (syslog.ts), so
 * that the modules can follow Filebeat's field choices while the standard library follows
 * Logstash's. ECS names in both naming modes.
 */
export const syslogModulePatterns: Readonly<Record<string, string>> = {
  // The TAG: printable ASCII except "[", "]" and ":" (RFC 3164 section 5.3 calls it alphanumeric).
  SLUICE_PROG: String.raw`[\x21-\x39\x3b-\x5a\x5c\x5e-\x7e]+`,
  SLUICE_SYSLOGPROG: String.raw`%{SLUICE_PROG:[process][name]}(?:\[%{POSINT:[process][pid]:int}\])?`,
  SLUICE_SYSLOGHOST: String.raw`%{IPORHOST}`,
  SLUICE_SYSLOGPRI: String.raw`<%{NONNEGINT:[log][syslog][priority]:int}>`,
  SLUICE_SYSLOGFACILITY: String.raw`<%{NONNEGINT:[log][syslog][facility][code]:int}\.%{NONNEGINT:[log][syslog][severity][code]:int}>`,
  SLUICE_SYSLOGBASE: String.raw`(?:%{SLUICE_SYSLOGPRI})?%{SYSLOGTIMESTAMP:timestamp} (?:%{SLUICE_SYSLOGFACILITY} )?%{SLUICE_SYSLOGHOST:[host][hostname]} %{SLUICE_SYSLOGPROG}:`,
  SLUICE_SYSLOGLINE: String.raw`%{SLUICE_SYSLOGBASE} ?%{GREEDYDATA:message}`,
  // One SD-ELEMENT: [id param="value" ...], where a value escapes '"', '\' and ']' with '\'.
  SLUICE_SYSLOG5424SDELEMENT: String.raw`\[[^\]\s"=]+(?: [^\]\s"=]+="[^"\\]*(?:\\.[^"\\]*)*")*\]`,
  SLUICE_SYSLOG5424SD: String.raw`(?:%{SLUICE_SYSLOG5424SDELEMENT})+`,
  SLUICE_SYSLOG5424PRINTASCII: String.raw`[!-~]+`,
  SLUICE_SYSLOG5424BASE: String.raw`%{SLUICE_SYSLOGPRI}%{NONNEGINT:[log][syslog][version]:int} +(?:-|%{TIMESTAMP_ISO8601:timestamp}) +(?:-|%{IPORHOST:[host][hostname]}) +(?:-|%{SLUICE_SYSLOG5424PRINTASCII:[log][syslog][appname]}) +(?:-|%{POSINT:[process][pid]:int}(?= )|%{SLUICE_SYSLOG5424PRINTASCII:[log][syslog][procid]}) +(?:-|%{SLUICE_SYSLOG5424PRINTASCII:[log][syslog][msgid]}) +(?:-|%{SLUICE_SYSLOG5424SD:[log][syslog][structured_data]})`,
  // MSG may start with a UTF-8 byte order mark (RFC 5424 section 6.4).
  SLUICE_SYSLOG5424LINE: String.raw`%{SLUICE_SYSLOG5424BASE}(?: \uFEFF?%{GREEDYDATA:message})?$`,
};
