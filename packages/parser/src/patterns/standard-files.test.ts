import { describe, expect, test } from 'vitest';
import { patternFiles } from './index.js';
import { definitionsOf, type EcsCompatibility } from './library.js';

/**
 * The names each of Logstash's standard files defines, per naming mode (logstash-patterns-core
 * `patterns/ecs-v1/*` and `patterns/legacy/*`): a user's `%{NAME}` must resolve in exactly
 * the modes where Logstash resolves it.
 */
const CISCOFW = [
  '104001',
  '104002',
  '104003',
  '104004',
  '105003',
  '105004',
  '105005',
  '105008',
  '105009',
  '106001',
  '106006_106007_106010',
  '106014',
  '106015',
  '106021',
  '106023',
  '106100_2_3',
  '106100',
  '304001',
  '110002',
  '302010',
  '302013_302014_302015_302016',
  '302020_302021',
  '305011',
  '313001_313004_313008',
  '313005',
  '321001',
  '402117',
  '402119',
  '419001',
  '419002',
  '500004',
  '602303_602304',
  '710001_710002_710003_710005_710006',
  '713172',
  '733100',
].map((id) => `CISCOFW${id}`);
const CISCO_COMMON = [
  'CISCO_TAGGED_SYSLOG',
  'CISCOTIMESTAMP',
  'CISCOTAG',
  'CISCO_ACTION',
  'CISCO_REASON',
  'CISCO_DIRECTION',
  'CISCO_INTERVAL',
  'CISCO_XLATE_TYPE',
];
const BACULA_MESSAGES = [
  'MAX_CAPACITY',
  'END_VOLUME',
  'NEW_VOLUME',
  'NEW_LABEL',
  'WROTE_LABEL',
  'NEW_MOUNT',
  'NOOPEN',
  'NOOPENDIR',
  'NOSTAT',
  'NOJOBS',
  'ALL_RECORDS_PRUNED',
  'BEGIN_PRUNE_JOBS',
  'BEGIN_PRUNE_FILES',
  'PRUNED_JOBS',
  'PRUNED_FILES',
  'ENDPRUNE',
  'STARTJOB',
  'STARTRESTORE',
  'USEDEVICE',
  'DIFF_FS',
  'JOBEND',
  'NOPRUNE_JOBS',
  'NOPRUNE_FILES',
  'VOLUME_PREVWRITTEN',
  'READYAPPEND',
  'CANCELLING',
  'MARKCANCEL',
  'CLIENT_RBJ',
  'VSS',
  'MAXSTART',
  'DUPLICATE',
  'NOJOBSTAT',
  'FATAL_CONN',
  'NO_CONNECT',
  'NO_AUTH',
  'NOSUIT',
  'JOB',
  'NOPRIOR',
].map((m) => `BACULA_LOG_${m}`);
const BACULA_PARTS = [
  'BACULA_TIMESTAMP',
  'BACULA_HOST',
  'BACULA_VOLUME',
  'BACULA_DEVICE',
  'BACULA_DEVICEPATH',
  'BACULA_CAPACITY',
  'BACULA_VERSION',
  'BACULA_JOB',
];
const EXIM = [
  'EXIM_MSGID',
  'EXIM_FLAGS',
  'EXIM_DATE',
  'EXIM_PID',
  'EXIM_QT',
  'EXIM_EXCLUDE_TERMS',
  'EXIM_REMOTE_HOST',
  'EXIM_INTERFACE',
  'EXIM_PROTOCOL',
  'EXIM_MSG_SIZE',
  'EXIM_HEADER_ID',
  'EXIM_SUBJECT',
  'EXIM_UNKNOWN_FIELD',
  'EXIM_NAMED_FIELDS',
  'EXIM_MESSAGE_ARRIVAL',
  'EXIM',
];
const HAPROXY_COMMON = [
  'HAPROXYTIME',
  'HAPROXYDATE',
  'HAPROXYCAPTUREDREQUESTHEADERS',
  'HAPROXYCAPTUREDRESPONSEHEADERS',
  'HAPROXYHTTPBASE',
  'HAPROXYHTTP',
  'HAPROXYTCP',
];

const expected: Record<string, Record<EcsCompatibility, readonly string[]>> = {
  aws: {
    v1: [
      'S3_REQUEST_LINE',
      'S3_ACCESS_LOG',
      'ELB_URIHOST',
      'ELB_URIPATHQUERY',
      'ELB_URIPATHPARAM',
      'ELB_URI',
      'ELB_REQUEST_LINE',
      'ELB_V1_HTTP_LOG',
      'ELB_ACCESS_LOG',
      'CLOUDFRONT_EDGE_LOCATION',
      'CLOUDFRONT_ACCESS_LOG',
    ],
    disabled: [
      'S3_REQUEST_LINE',
      'S3_ACCESS_LOG',
      'ELB_URIPATHPARAM',
      'ELB_URI',
      'ELB_REQUEST_LINE',
      'ELB_ACCESS_LOG',
      'CLOUDFRONT_ACCESS_LOG',
    ],
  },
  bacula: {
    v1: [...BACULA_PARTS, ...BACULA_MESSAGES, 'BACULA_LOG', 'BACULA_LOGLINE'],
    disabled: [...BACULA_PARTS, ...BACULA_MESSAGES, 'BACULA_LOGLINE'],
  },
  bind: {
    v1: [
      'BIND9_TIMESTAMP',
      'BIND9_DNSTYPE',
      'BIND9_CATEGORY',
      'BIND9_QUERYLOGBASE',
      'BIND9_QUERYLOG',
      'BIND9',
    ],
    disabled: ['BIND9_TIMESTAMP', 'BIND9'],
  },
  bro: {
    v1: ['BRO_BOOL', 'BRO_DATA', 'BRO_HTTP', 'BRO_DNS', 'BRO_CONN', 'BRO_FILES'],
    disabled: ['BRO_HTTP', 'BRO_DNS', 'BRO_CONN', 'BRO_FILES'],
  },
  zeek: {
    v1: [
      'ZEEK_BOOL',
      'ZEEK_DATA',
      'ZEEK_HTTP',
      'ZEEK_DNS',
      'ZEEK_CONN',
      'ZEEK_FILES_TX_HOSTS',
      'ZEEK_FILES_RX_HOSTS',
      'ZEEK_FILES',
    ],
    disabled: [],
  },
  exim: { v1: [...EXIM, 'EXIM_QUOTED_CONTENT'], disabled: EXIM },
  firewalls: {
    v1: [
      'NETSCREENSESSIONLOG',
      ...CISCO_COMMON,
      'CISCO_HITCOUNT_INTERVAL',
      'CISCO_SRC_IP_USER',
      'CISCO_DST_IP_USER',
      'CISCO_SRC_HOST_PORT_USER',
      'CISCO_DST_HOST_PORT_USER',
      ...CISCOFW,
      'IPTABLES_TCP_FLAGS',
      'IPTABLES_TCP_PART',
      'IPTABLES4_FRAG',
      'IPTABLES4_PART',
      'IPTABLES6_PART',
      'IPTABLES',
      'SHOREWALL',
      'SFW2_LOG_PREFIX',
      'SFW2',
    ],
    disabled: ['NETSCREENSESSIONLOG', ...CISCO_COMMON, ...CISCOFW, 'SHOREWALL', 'SFW2'],
  },
  haproxy: {
    v1: [...HAPROXY_COMMON, 'HAPROXYURI', 'HAPROXYHTTPREQUESTLINE'],
    disabled: [...HAPROXY_COMMON, 'HAPROXYERROR'],
  },
  junos: {
    v1: ['RT_FLOW_TAG', 'RT_FLOW_EVENT', 'RT_FLOW1', 'RT_FLOW2', 'RT_FLOW3'],
    disabled: ['RT_FLOW_EVENT', 'RT_FLOW1', 'RT_FLOW2', 'RT_FLOW3'],
  },
  squid: { v1: ['SQUID3_STATUS', 'SQUID3'], disabled: ['SQUID3'] },
};

describe("Logstash's standard pattern files", () => {
  test.each(Object.entries(expected))(
    '%s defines the names Logstash defines, in each mode',
    (name, modes) => {
      const file = patternFiles.find((f) => f.name === name);
      expect(file, `${name} is registered in patterns/index.ts`).toBeDefined();
      if (!file) return;
      for (const mode of ['v1', 'disabled'] as const) {
        expect(Object.keys(definitionsOf(file, mode)).sort(), `${name} in mode ${mode}`).toEqual(
          [...modes[mode]].sort(),
        );
      }
    },
  );
});
