import type { PatternFile } from './library.js';

/**
 * Logstash's `aws` file: S3 server access logs, Classic Load Balancer (ELB) access logs and
 * CloudFront standard (web distribution) logs, field for field as their AWS documentation
 * lists them.
 *
 * Legacy and ECS v1 differ in more than names: the ECS patterns accept the newer trailing
 * columns (S3: host id ... TLS version; ELB: user agent, cipher, protocol; CloudFront:
 * the 2019 columns from HTTP version to range end) as an optional tail, the legacy ones
 * stop where the format stopped when they were written.
 */

// A CloudFront column in the legacy pattern. Logstash writes `.*` between tabs; in a run of
// such columns only the first one can take more than one column (it is greedy and comes
// first), so the others are written `[^\t]*`, which gives the same values with less
// backtracking.
const COLUMN = String.raw`[^\t]*`;

export const awsPatterns: PatternFile = {
  name: 'aws',
  ecs: {
    // Three letters (an airport code), a number, and an optional "-C2" style suffix: LHR62-C2, SFO5-P1, IND6.
    CLOUDFRONT_EDGE_LOCATION: String.raw`[A-Z]{3}[0-9]{1,2}(?:-[A-Z0-9]{2})?`,
    S3_REQUEST_LINE: String.raw`(?:%{WORD:[http][request][method]} %{NOTSPACE:[url][original]}(?: HTTP/%{NUMBER:[http][version]})?)`,
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html
    S3_ACCESS_LOG: [
      String.raw`%{WORD:[aws][s3access][bucket_owner]} %{NOTSPACE:[aws][s3access][bucket]} \[%{HTTPDATE:timestamp}\]`,
      String.raw`(?:-|%{IP:[client][ip]}) (?:-|%{NOTSPACE:[client][user][id]}) %{NOTSPACE:[aws][s3access][request_id]}`,
      String.raw`%{NOTSPACE:[aws][s3access][operation]} (?:-|%{NOTSPACE:[aws][s3access][key]})`,
      String.raw`(?:-|"%{S3_REQUEST_LINE:[aws][s3access][request_uri]}") (?:-|%{INT:[http][response][status_code]:int})`,
      String.raw`(?:-|%{NOTSPACE:[aws][s3access][error_code]}) (?:-|%{INT:[aws][s3access][bytes_sent]:int})`,
      String.raw`(?:-|%{INT:[aws][s3access][object_size]:int}) (?:-|%{INT:[aws][s3access][total_time]:int})`,
      String.raw`(?:-|%{INT:[aws][s3access][turn_around_time]:int}) "(?:-|%{DATA:[http][request][referrer]})"`,
      // Columns added since 2017 (host id ... TLS version) are optional together.
      String.raw`"(?:-|%{DATA:[user_agent][original]})" (?:-|%{NOTSPACE:[aws][s3access][version_id]})(?: (?:-|%{NOTSPACE:[aws][s3access][host_id]})`,
      String.raw`(?:-|%{NOTSPACE:[aws][s3access][signature_version]})`,
      String.raw`(?:-|%{NOTSPACE:[tls][cipher]}) (?:-|%{NOTSPACE:[aws][s3access][authentication_type]})`,
      String.raw`(?:-|%{NOTSPACE:[aws][s3access][host_header]}) (?:-|%{NOTSPACE:[aws][s3access][tls_version]}))?`,
    ].join(' '),
    ELB_URIHOST: String.raw`%{IPORHOST:[url][domain]}(?::%{POSINT:[url][port]:int})?`,
    ELB_URIPATHQUERY: String.raw`%{URIPATH:[url][path]}(?:\?%{URIQUERY:[url][query]})?`,
    // The name older configurations use.
    ELB_URIPATHPARAM: String.raw`%{ELB_URIPATHQUERY}`,
    ELB_URI: String.raw`%{URIPROTO:[url][scheme]}://(?:%{USER:[url][username]}(?::[^@]*)?@)?(?:%{ELB_URIHOST})?(?:%{ELB_URIPATHQUERY})?`,
    ELB_REQUEST_LINE: String.raw`(?:%{WORD:[http][request][method]} %{ELB_URI:[url][original]}(?: HTTP/%{NUMBER:[http][version]})?)`,
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/access-log-collection.html
    ELB_V1_HTTP_LOG: [
      String.raw`%{TIMESTAMP_ISO8601:timestamp} %{NOTSPACE:[aws][elb][name]} %{IP:[source][ip]}:%{INT:[source][port]:int}`,
      String.raw`(?:-|(?:%{IP:[aws][elb][backend][ip]}:%{INT:[aws][elb][backend][port]:int}))`,
      // -1 when the load balancer could not send the request to a back end.
      String.raw`(?:-1|%{NUMBER:[aws][elb][request_processing_time][sec]:float})`,
      String.raw`(?:-1|%{NUMBER:[aws][elb][backend_processing_time][sec]:float})`,
      String.raw`(?:-1|%{NUMBER:[aws][elb][response_processing_time][sec]:float})`,
      String.raw`%{INT:[http][response][status_code]:int} (?:-|%{INT:[aws][elb][backend][http][response][status_code]:int})`,
      String.raw`%{INT:[http][request][body][bytes]:int} %{INT:[http][response][body][bytes]:int}`,
      String.raw`"%{ELB_REQUEST_LINE}"(?: "(?:-|%{DATA:[user_agent][original]})" (?:-|%{NOTSPACE:[tls][cipher]}) (?:-|%{NOTSPACE:[aws][elb][ssl_protocol]}))?`,
    ].join(' '),
    ELB_ACCESS_LOG: String.raw`%{ELB_V1_HTTP_LOG}`,
    // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/AccessLogs.html (tab separated)
    CLOUDFRONT_ACCESS_LOG: [
      String.raw`(?<timestamp>%{YEAR}-%{MONTHNUM}-%{MONTHDAY}\t%{TIME})`,
      String.raw`%{CLOUDFRONT_EDGE_LOCATION:[aws][cloudfront][x_edge_location]}`,
      String.raw`(?:-|%{INT:[destination][bytes]:int})`,
      String.raw`%{IPORHOST:[source][ip]}`,
      String.raw`%{WORD:[http][request][method]}`,
      String.raw`%{HOSTNAME:[url][domain]}`,
      String.raw`%{NOTSPACE:[url][path]}`,
      // 000 when the viewer closed the connection before the response.
      String.raw`(?:(?:000)|%{INT:[http][response][status_code]:int})`,
      String.raw`(?:-|%{DATA:[http][request][referrer]})`,
      String.raw`%{DATA:[user_agent][original]}`,
      String.raw`(?:-|%{DATA:[url][query]})`,
      String.raw`(?:-|%{DATA:[aws][cloudfront][http][request][cookie]})`,
      String.raw`%{WORD:[aws][cloudfront][x_edge_result_type]}`,
      String.raw`%{NOTSPACE:[aws][cloudfront][x_edge_request_id]}`,
      String.raw`%{HOSTNAME:[aws][cloudfront][http][request][host]}`,
      String.raw`%{URIPROTO:[network][protocol]}`,
      String.raw`(?:-|%{INT:[source][bytes]:int})`,
      String.raw`%{NUMBER:[aws][cloudfront][time_taken]:float}`,
      String.raw`(?:-|%{IP:[network][forwarded_ip]})`,
      String.raw`(?:-|%{DATA:[aws][cloudfront][ssl_protocol]})`,
      String.raw`(?:-|%{NOTSPACE:[tls][cipher]})`,
      String.raw`%{WORD:[aws][cloudfront][x_edge_response_result_type]}(?:\t(?:-|HTTP/%{NUMBER:[http][version]})`,
      String.raw`(?:-|%{DATA:[aws][cloudfront][fle_status]})`,
      String.raw`(?:-|%{DATA:[aws][cloudfront][fle_encrypted_fields]})`,
      String.raw`%{INT:[source][port]:int}`,
      String.raw`%{NUMBER:[aws][cloudfront][time_to_first_byte]:float}`,
      String.raw`(?:-|%{DATA:[aws][cloudfront][x_edge_detailed_result_type]})`,
      String.raw`(?:-|%{NOTSPACE:[http][request][mime_type]})`,
      String.raw`(?:-|%{INT:[aws][cloudfront][http][request][size]:int})`,
      String.raw`(?:-|%{INT:[aws][cloudfront][http][request][range][start]:int})`,
      String.raw`(?:-|%{INT:[aws][cloudfront][http][request][range][end]:int}))?`,
    ].join(String.raw`\t`),
  },
  legacy: {
    S3_REQUEST_LINE: String.raw`(?:%{WORD:verb} %{NOTSPACE:request}(?: HTTP/%{NUMBER:httpversion})?|%{DATA:rawrequest})`,
    S3_ACCESS_LOG: [
      String.raw`%{WORD:owner} %{NOTSPACE:bucket} \[%{HTTPDATE:timestamp}\] (?:%{IP:clientip}|-)`,
      String.raw`%{NOTSPACE:requester} %{NOTSPACE:request_id} %{NOTSPACE:operation} %{NOTSPACE:key}`,
      String.raw`(?:"%{S3_REQUEST_LINE}"|"-"|-) (?:%{INT:response:int}|-) (?:-|%{NOTSPACE:error_code})`,
      String.raw`(?:%{INT:bytes:int}|-) (?:%{INT:object_size:int}|-) (?:%{INT:request_time_ms:int}|-)`,
      String.raw`(?:%{INT:turnaround_time_ms:int}|-) (?:%{QS:referrer}|-) (?:"?%{QS:agent}"?|-) (?:-|%{NOTSPACE:version_id})`,
    ].join(' '),
    ELB_URIPATHPARAM: String.raw`%{URIPATH:path}(?:%{URIPARAM:params})?`,
    ELB_URI: String.raw`%{URIPROTO:proto}://(?:%{USER}(?::[^@]*)?@)?(?:%{URIHOST:urihost})?(?:%{ELB_URIPATHPARAM})?`,
    ELB_REQUEST_LINE: String.raw`(?:%{WORD:verb} %{ELB_URI:request}(?: HTTP/%{NUMBER:httpversion})?|%{DATA:rawrequest})`,
    ELB_ACCESS_LOG: [
      String.raw`%{TIMESTAMP_ISO8601:timestamp} %{NOTSPACE:elb} %{IP:clientip}:%{INT:clientport:int}`,
      // The "?:" admits both "10.0.0.1:80" and the "10.0.0.1::80" some tools wrote.
      String.raw`(?:(?:%{IP:backendip}:?:%{INT:backendport:int})|-)`,
      String.raw`%{NUMBER:request_processing_time:float} %{NUMBER:backend_processing_time:float} %{NUMBER:response_processing_time:float}`,
      String.raw`%{INT:response:int} (?:-|%{INT:backend_response:int}) %{INT:received_bytes:int} %{INT:bytes:int}`,
      String.raw`"%{ELB_REQUEST_LINE}"`,
    ].join(' '),
    CLOUDFRONT_ACCESS_LOG: [
      String.raw`(?<timestamp>%{YEAR}-%{MONTHNUM}-%{MONTHDAY}\t%{TIME})`,
      String.raw`%{WORD:x_edge_location}`,
      String.raw`(?:%{NUMBER:sc_bytes:int}|-)`,
      String.raw`%{IPORHOST:clientip}`,
      String.raw`%{WORD:cs_method}`,
      String.raw`%{HOSTNAME:cs_host}`,
      String.raw`%{NOTSPACE:cs_uri_stem}`,
      String.raw`%{NUMBER:sc_status:int}`,
      // The first of these four `.*` columns is the greedy one (see bro.ts).
      String.raw`%{GREEDYDATA:referrer}`,
      `(?<agent>${COLUMN})`,
      `(?<cs_uri_query>${COLUMN})`,
      `(?<cookies>${COLUMN})`,
      String.raw`%{WORD:x_edge_result_type}`,
      String.raw`%{NOTSPACE:x_edge_request_id}`,
      String.raw`%{HOSTNAME:x_host_header}`,
      String.raw`%{URIPROTO:cs_protocol}`,
      String.raw`%{INT:cs_bytes:int}`,
      // Logstash's `.*` here is greedy up to the last four columns of the line: on a log
      // with the newer trailing columns, time_taken takes them all (its number still comes
      // first) and the last four columns fill the last four fields.
      String.raw`%{GREEDYDATA:time_taken:float}`,
      `(?<x_forwarded_for>${COLUMN})`,
      `(?<ssl_protocol>${COLUMN})`,
      `(?<ssl_cipher>${COLUMN})`,
      String.raw`(?<x_edge_response_result_type>[^\t\n]*)$`,
    ].join(String.raw`\t`),
  },
};
