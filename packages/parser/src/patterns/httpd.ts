import type { PatternFile } from './library.js';

/**
 * Logstash's `httpd` file: Apache's Common and Combined Log Formats (mod_log_config's
 * `%h %l %u %t "%r" %>s %b` and `... "%{Referer}i" "%{User-agent}i"`) and the error logs
 * of httpd 2.0/2.2 (`[date] [level] [client ip] message`) and 2.4 (`[date with
 * microseconds] [module:level] [pid N:tid N] [client ip:port] AHnnnnn: message`).
 *
 * ECS leaves "-" out of the fields; legacy keeps it (`ident: "-"`) and keeps the quotes
 * around referrer and agent, as Logstash does.
 */
export const httpdPatterns: PatternFile = {
  name: 'httpd',
  shared: {
    HTTPDUSER: '%{EMAILADDRESS}|%{USER}',
    HTTPDERROR_DATE: '%{DAY} %{MONTH} %{MONTHDAY} %{TIME} %{YEAR}',
    HTTPD_ERRORLOG: '%{HTTPD20_ERRORLOG}|%{HTTPD24_ERRORLOG}',
    COMMONAPACHELOG: '%{HTTPD_COMMONLOG}',
    COMBINEDAPACHELOG: '%{HTTPD_COMBINEDLOG}',
  },
  ecs: {
    HTTPD_COMMONLOG:
      '%{IPORHOST:[source][address]} (?:-|%{HTTPDUSER:[apache][access][user][identity]}) (?:-|%{HTTPDUSER:[user][name]}) \\[%{HTTPDATE:timestamp}\\] "(?:%{WORD:[http][request][method]} %{NOTSPACE:[url][original]}(?: HTTP/%{NUMBER:[http][version]})?|%{DATA})" (?:-|%{INT:[http][response][status_code]:int}) (?:-|%{INT:[http][response][body][bytes]:int})',
    HTTPD_COMBINEDLOG:
      '%{HTTPD_COMMONLOG} "(?:-|%{DATA:[http][request][referrer]})" "(?:-|%{DATA:[user_agent][original]})"',
    HTTPD20_ERRORLOG: String.raw`\[%{HTTPDERROR_DATE:timestamp}\] \[%{LOGLEVEL:[log][level]}\] (?:\[client %{IPORHOST:[source][address]}\] )?%{GREEDYDATA:message}`,
    HTTPD24_ERRORLOG: String.raw`\[%{HTTPDERROR_DATE:timestamp}\] \[(?:%{WORD:[apache][error][module]})?:%{LOGLEVEL:[log][level]}\] \[pid %{POSINT:[process][pid]:int}(?::tid %{INT:[process][thread][id]:int})?\](?: \(%{POSINT:[apache][error][proxy][error][code]}\)%{DATA:[apache][error][proxy][error][message]}:)?(?: \[client %{IPORHOST:[source][address]}(?::%{POSINT:[source][port]:int})?\])?(?: %{DATA:[error][code]}:)? %{GREEDYDATA:message}`,
  },
  legacy: {
    HTTPD_COMMONLOG:
      '%{IPORHOST:clientip} %{HTTPDUSER:ident} %{HTTPDUSER:auth} \\[%{HTTPDATE:timestamp}\\] "(?:%{WORD:verb} %{NOTSPACE:request}(?: HTTP/%{NUMBER:httpversion})?|%{DATA:rawrequest})" (?:%{NUMBER:response}|-) (?:%{NUMBER:bytes}|-)',
    HTTPD_COMBINEDLOG: '%{HTTPD_COMMONLOG} %{QS:referrer} %{QS:agent}',
    HTTPD20_ERRORLOG: String.raw`\[%{HTTPDERROR_DATE:timestamp}\] \[%{LOGLEVEL:loglevel}\] (?:\[client %{IPORHOST:clientip}\] )?%{GREEDYDATA:message}`,
    // httpd 2.4 in the legacy names: the module is required and the client port too.
    HTTPD24_ERRORLOG: String.raw`\[%{HTTPDERROR_DATE:timestamp}\] \[%{WORD:module}:%{LOGLEVEL:loglevel}\] \[pid %{POSINT:pid}(?::tid %{NUMBER:tid})?\](?: \(%{POSINT:proxy_errorcode}\)%{DATA:proxy_message}:)?(?: \[client %{IPORHOST:clientip}:%{POSINT:clientport}\])?(?: %{DATA:errorcode}:)? %{GREEDYDATA:message}`,
  },
};
