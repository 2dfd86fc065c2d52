import type { PatternFile } from './library.js';

/**
 * Logstash's `haproxy` file: HAProxy's `option httplog` and `option tcplog` lines as syslog
 * delivers them (https://docs.haproxy.org/2.8/configuration.html#8.2.3), e.g.
 * `Sep 14 10:00:01 lb1 haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in
 * static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1"`.
 *
 * The captured header blocks `{...}` are kept whole: override HAPROXYCAPTUREDREQUESTHEADERS /
 * HAPROXYCAPTUREDRESPONSEHEADERS in pattern_definitions to split them as your haproxy.cfg
 * captures them. ECS v1 reads -1 timers and <NOSRV> as absent and accepts the "+" HAProxy
 * puts before bytes and retries (logasap, redispatch); legacy captures everything as text
 * and also defines HAPROXYERROR.
 */

const ECS_CONNECTIONS = String.raw`%{INT:[haproxy][connections][active]:int}/%{INT:[haproxy][connections][frontend]:int}/%{INT:[haproxy][connections][backend]:int}/%{INT:[haproxy][connections][server]:int}/%{NOTSPACE:[haproxy][connections][retries]:int} %{INT:[haproxy][server_queue]:int}/%{INT:[haproxy][backend_queue]:int}`;
const ECS_SYSLOG = String.raw`(?:%{SYSLOGTIMESTAMP:timestamp}|%{TIMESTAMP_ISO8601:timestamp}) %{IPORHOST:[host][hostname]} %{SYSLOGPROG}:`;
const ECS_CLIENT = String.raw`%{IP:[source][address]}:%{INT:[source][port]:int} \[%{HAPROXYDATE:[haproxy][request_date]}\] %{NOTSPACE:[haproxy][frontend_name]} %{NOTSPACE:[haproxy][backend_name]}/(?:<NOSRV>|%{NOTSPACE:[haproxy][server_name]})`;

const LEGACY_CONNECTIONS = String.raw`%{INT:actconn}/%{INT:feconn}/%{INT:beconn}/%{INT:srvconn}/%{NOTSPACE:retries} %{INT:srv_queue}/%{INT:backend_queue}`;
const LEGACY_SYSLOG = String.raw`(?:%{SYSLOGTIMESTAMP:syslog_timestamp}|%{TIMESTAMP_ISO8601:timestamp8601}) %{IPORHOST:syslog_server} %{SYSLOGPROG}:`;
const LEGACY_CLIENT = String.raw`%{IP:client_ip}:%{INT:client_port} \[%{HAPROXYDATE:accept_date}\]`;

export const haproxyPatterns: PatternFile = {
  name: 'haproxy',
  ecs: {
    // "(?!<" is in Logstash's definition (a lookahead for "<digit", meant as a lookbehind).
    HAPROXYTIME: String.raw`(?!<[0-9])%{HOUR}:%{MINUTE}(?::%{SECOND})(?![0-9])`,
    HAPROXYDATE: String.raw`%{MONTHDAY}/%{MONTH}/%{YEAR}:%{HAPROXYTIME}.%{INT}`,
    HAPROXYCAPTUREDREQUESTHEADERS: String.raw`%{DATA:[haproxy][http][request][captured_headers]}`,
    HAPROXYCAPTUREDRESPONSEHEADERS: String.raw`%{DATA:[haproxy][http][response][captured_headers]}`,
    HAPROXYURI: String.raw`(?:%{URIPROTO:[url][scheme]}://)?(?:%{USER:[url][username]}(?::[^@]*)?@)?(?:%{IPORHOST:[url][domain]}(?::%{POSINT:[url][port]:int})?)?(?:%{URIPATH:[url][path]}(?:\?%{URIQUERY:[url][query]})?)?`,
    HAPROXYHTTPREQUESTLINE: String.raw`(?:<BADREQ>|(?:%{WORD:[http][request][method]} %{HAPROXYURI:[url][original]}(?: HTTP/%{NUMBER:[http][version]})?))`,
    HAPROXYHTTPBASE: [
      ECS_CLIENT,
      // Tq/Tw/Tc/Tr/Ta: -1 when the step did not happen.
      String.raw`(?:-1|%{INT:[haproxy][http][request][time_wait_ms]:int})/(?:-1|%{INT:[haproxy][total_waiting_time_ms]:int})/(?:-1|%{INT:[haproxy][connection_wait_time_ms]:int})/(?:-1|%{INT:[haproxy][http][request][time_wait_without_data_ms]:int})/%{NOTSPACE:[haproxy][total_time_ms]}`,
      String.raw`%{INT:[http][response][status_code]:int} %{NOTSPACE:[source][bytes]:int}`,
      String.raw`(?:-|%{DATA:[haproxy][http][request][captured_cookie]}) (?:-|%{DATA:[haproxy][http][response][captured_cookie]})`,
      String.raw`%{NOTSPACE:[haproxy][termination_state]}`,
      String.raw`${ECS_CONNECTIONS}(?: \{%{HAPROXYCAPTUREDREQUESTHEADERS}\}(?: \{%{HAPROXYCAPTUREDRESPONSEHEADERS}\})?)?(?: "%{HAPROXYHTTPREQUESTLINE}"?)?`,
    ].join(' '),
    HAPROXYHTTP: String.raw`${ECS_SYSLOG} %{HAPROXYHTTPBASE}`,
    HAPROXYTCP: [
      ECS_SYSLOG,
      ECS_CLIENT,
      String.raw`(?:-1|%{INT:[haproxy][total_waiting_time_ms]:int})/(?:-1|%{INT:[haproxy][connection_wait_time_ms]:int})/%{NOTSPACE:[haproxy][total_time_ms]}`,
      String.raw`%{NOTSPACE:[source][bytes]:int} %{NOTSPACE:[haproxy][termination_state]}`,
      ECS_CONNECTIONS,
    ].join(' '),
  },
  legacy: {
    HAPROXYTIME: String.raw`(?!<[0-9])%{HOUR:haproxy_hour}:%{MINUTE:haproxy_minute}(?::%{SECOND:haproxy_second})(?![0-9])`,
    HAPROXYDATE: String.raw`%{MONTHDAY:haproxy_monthday}/%{MONTH:haproxy_month}/%{YEAR:haproxy_year}:%{HAPROXYTIME:haproxy_time}.%{INT:haproxy_milliseconds}`,
    HAPROXYCAPTUREDREQUESTHEADERS: String.raw`%{DATA:captured_request_headers}`,
    HAPROXYCAPTUREDRESPONSEHEADERS: String.raw`%{DATA:captured_response_headers}`,
    HAPROXYHTTPBASE: [
      LEGACY_CLIENT,
      String.raw`%{NOTSPACE:frontend_name} %{NOTSPACE:backend_name}/%{NOTSPACE:server_name}`,
      String.raw`%{INT:time_request}/%{INT:time_queue}/%{INT:time_backend_connect}/%{INT:time_backend_response}/%{NOTSPACE:time_duration}`,
      String.raw`%{INT:http_status_code} %{NOTSPACE:bytes_read} %{DATA:captured_request_cookie} %{DATA:captured_response_cookie}`,
      String.raw`%{NOTSPACE:termination_state} ${LEGACY_CONNECTIONS}`,
      // The request line is required here (quotes at least), unlike in ECS v1.
      String.raw`(?:\{%{HAPROXYCAPTUREDREQUESTHEADERS}\})?(?: )?(?:\{%{HAPROXYCAPTUREDRESPONSEHEADERS}\})?(?: )?"(?:<BADREQ>|(?:%{WORD:http_verb} (?:%{URIPROTO:http_proto}://)?(?:%{USER:http_user}(?::[^@]*)?@)?(?:%{URIHOST:http_host})?(?:%{URIPATHPARAM:http_request})?(?: HTTP/%{NUMBER:http_version})?))?"?`,
    ].join(' '),
    HAPROXYHTTP: String.raw`${LEGACY_SYSLOG} %{HAPROXYHTTPBASE}`,
    HAPROXYTCP: [
      LEGACY_SYSLOG,
      LEGACY_CLIENT,
      String.raw`%{NOTSPACE:frontend_name} %{NOTSPACE:backend_name}/%{NOTSPACE:server_name}`,
      String.raw`%{INT:time_queue}/%{INT:time_backend_connect}/%{NOTSPACE:time_duration} %{NOTSPACE:bytes_read}`,
      String.raw`%{NOTSPACE:termination_state} ${LEGACY_CONNECTIONS}`,
    ].join(' '),
    // A connection that failed before a request (SSL handshake failure, timeout...).
    HAPROXYERROR: String.raw`${LEGACY_SYSLOG} ${LEGACY_CLIENT} %{NOTSPACE:frontend_name}/%{NOTSPACE:bind_name}: %{GREEDYDATA:error_message}`,
  },
};
