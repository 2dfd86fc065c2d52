import type { GrokCaseFile } from '../case.js';

/**
 * Zeek 3+ http.log, dns.log, conn.log and files.log lines (ECS v1 only: legacy mode has no zeek
 * file), and the Bro 2.x lines they must not take for their own.
 */
export default {
  file: 'zeek',
  cases: [
    {
      pattern: 'ZEEK_HTTP',
      line: '1589202412.113612\tCHhAvVGS1DHFjwGM9\t192.168.4.76\t46378\t31.3.245.133\t80\t1\tGET\ttestmyids.com\t/\t-\t1.1\tcurl/7.47.0\t-\t0\t39\t200\tOK\t-\t-\t(empty)\t-\t-\t-\t-\t-\t-\tFEEsZS1w0Z0VJIb5x4\t-\ttext/plain',
      ecs: {
        timestamp: '1589202412.113612',
        zeek: {
          session_id: 'CHhAvVGS1DHFjwGM9',
          http: { trans_depth: 1, status_msg: 'OK', resp_fuids: 'FEEsZS1w0Z0VJIb5x4' },
        },
        source: { ip: '192.168.4.76', port: 46378 },
        destination: { ip: '31.3.245.133', port: 80 },
        http: {
          request: { method: 'GET', body: { bytes: 0 } },
          version: '1.1',
          response: { body: { bytes: 39 }, status_code: 200, mime_type: 'text/plain' },
        },
        url: { domain: 'testmyids.com', original: '/' },
        user_agent: { original: 'curl/7.47.0' },
      },
    },
    {
      pattern: 'ZEEK_HTTP',
      line: '1333458850.375568\tClEkJM2Vm5giqnMf4h\t10.131.47.185\t1923\t79.101.110.141\t80\t1\tGET\to-o.preferred.telekomrs-beg1.v2.lscache8.c.youtube.com\t/videoplayback?upn=MTU2MDY5NzQ5OTM0NTI3NDY4NDc&sparams=algorithm\thttp://s.ytimg.com/yts/swfbin/watch_as3-vflJjAza6.swf\tMozilla/5.0 (Windows NT 6.1; WOW64; rv:11.0) Gecko/20100101 Firefox/11.0\t0\t56320\t206\tPartial Content\t-\t-\t-\t(empty)\t-\t-\t-\t-\t-\tFrJExwHcSal7WBWZ9\tvideo/x-flv',
      note: 'a Bro 2.x line lacks version and origin',
      ecs: null,
    },
    {
      pattern: 'ZEEK_DNS',
      line: '1591367999.305988\tCMdzit1AMNsmfAIiQc\t192.168.4.76\t36844\t192.168.4.1\t53\tudp\t8555\t0.026000\ttestmyids.com\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t31.3.245.133\t3600.000000\tF',
      ecs: {
        timestamp: '1591367999.305988',
        zeek: {
          session_id: 'CMdzit1AMNsmfAIiQc',
          dns: {
            rtt: 0.026,
            qclass: 1,
            qclass_name: 'C_INTERNET',
            qtype: 1,
            rcode: 0,
            AA: 'F',
            TC: 'F',
            RD: 'T',
            RA: 'T',
            Z: 0,
            answers: '31.3.245.133',
            TTLs: '3600.000000',
            rejected: 'F',
          },
        },
        source: { ip: '192.168.4.76', port: 36844 },
        destination: { ip: '192.168.4.1', port: 53 },
        network: { transport: 'udp' },
        dns: { id: 8555, question: { name: 'testmyids.com', type: 'A' }, response_code: 'NOERROR' },
      },
    },
    {
      pattern: 'ZEEK_DNS',
      line: '1359565680.761790\tUWkUyAuUGXf\t192.168.6.10\t53209\t192.168.129.36\t53\tudp\t41477\tpaypal.com\t1\tC_INTERNET\t48\tDNSKEY\t0\tNOERROR\tF\tF\tT\tF\t1\t-\t-\tF',
      note: 'a Bro 2.x line lacks rtt',
      ecs: null,
    },
    {
      pattern: 'ZEEK_CONN',
      line: '1591367999.430166\tC5bLoe2Mvxqhawzqqd\t192.168.4.76\t46378\t31.3.245.133\t80\ttcp\thttp\t0.254491\t77\t295\tSF\tT\tF\t0\tShADadFf\t6\t397\t4\t511\t-',
      ecs: {
        timestamp: '1591367999.430166',
        zeek: {
          session_id: 'C5bLoe2Mvxqhawzqqd',
          connection: {
            duration: 0.254491,
            orig_bytes: 77,
            resp_bytes: 295,
            state: 'SF',
            local_orig: 'T',
            local_resp: 'F',
            missed_bytes: 0,
            history: 'ShADadFf',
          },
        },
        source: { ip: '192.168.4.76', port: 46378, packets: 6, bytes: 397 },
        destination: { ip: '31.3.245.133', port: 80, packets: 4, bytes: 511 },
        network: { transport: 'tcp', protocol: 'http' },
      },
    },
    {
      pattern: 'ZEEK_CONN',
      line: '1591367999.430166\tC5bLoe2Mvxqhawzqqd\t192.168.4.76\t46378\t31.3.245.133\t80\ttcp\thttp\t0.254491\t77\t295\tSF\tT\tF\t0\tShADadFf\t6\t397\t4\t511\t-\t00:0c:29:3a:9b:2e\t-',
      note: 'with the MAC address columns',
      ecs: {
        timestamp: '1591367999.430166',
        zeek: {
          session_id: 'C5bLoe2Mvxqhawzqqd',
          connection: {
            duration: 0.254491,
            orig_bytes: 77,
            resp_bytes: 295,
            state: 'SF',
            local_orig: 'T',
            local_resp: 'F',
            missed_bytes: 0,
            history: 'ShADadFf',
          },
        },
        source: { ip: '192.168.4.76', port: 46378, packets: 6, bytes: 397, mac: '00:0c:29:3a:9b:2e' },
        destination: { ip: '31.3.245.133', port: 80, packets: 4, bytes: 511 },
        network: { transport: 'tcp', protocol: 'http' },
      },
    },
    {
      pattern: 'ZEEK_CONN',
      line: '1300475168.853899\tC4ZbyBcRe7c\t141.142.220.118\t43927\t141.142.2.2\t53\tudp\tdns\t0.000435\t38\t89\tSF\t-\t0\tDd\t1\t66\t1\t117\t(empty)',
      note: 'local_resp is required',
      ecs: null,
    },
    {
      pattern: 'ZEEK_FILES',
      line: '1591367999.512593\tFEEsZS1w0Z0VJIb5x4\t31.3.245.133\t192.168.4.76\tCHhAvVGS1DHFjwGM9\tHTTP\t0\tMD5,SHA1\ttext/plain\t-\t0.000000\tF\tF\t39\t39\t0\t0\tF\t-\t9a1f72dd6f6f1e6a4e6a8a0b3d1d1b2c\t0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d\t-\t-\tF\t-',
      ecs: {
        timestamp: '1591367999.512593',
        zeek: {
          files: {
            fuid: 'FEEsZS1w0Z0VJIb5x4',
            session_ids: 'CHhAvVGS1DHFjwGM9',
            source: 'HTTP',
            depth: 0,
            analyzers: 'MD5,SHA1',
            duration: 0,
            local_orig: 'F',
            is_orig: 'F',
            seen_bytes: 39,
            missing_bytes: 0,
            overflow_bytes: 0,
            timedout: 'F',
            extracted_cutoff: 'F',
          },
        },
        server: { ip: '31.3.245.133' },
        client: { ip: '192.168.4.76' },
        file: {
          mime_type: 'text/plain',
          size: 39,
          hash: { md5: '9a1f72dd6f6f1e6a4e6a8a0b3d1d1b2c', sha1: '0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d' },
        },
      },
    },
    {
      pattern: 'ZEEK_FILES',
      line: '1591367999.512593\tFEEsZS1w0Z0VJIb5x4\t31.3.245.133,31.3.245.134\t192.168.4.76\tCHhAvVGS1DHFjwGM9\tHTTP\t0\tMD5\ttext/plain\tindex.html\t0.000000\tF\tF\t39\t-\t0\t0\tF\t-\t-\t-\t-\t-',
      note: 'several senders, no extracted_* columns',
      ecs: {
        timestamp: '1591367999.512593',
        zeek: {
          files: {
            fuid: 'FEEsZS1w0Z0VJIb5x4',
            tx_hosts: '31.3.245.133,31.3.245.134',
            session_ids: 'CHhAvVGS1DHFjwGM9',
            source: 'HTTP',
            depth: 0,
            analyzers: 'MD5',
            duration: 0,
            local_orig: 'F',
            is_orig: 'F',
            seen_bytes: 39,
            missing_bytes: 0,
            overflow_bytes: 0,
            timedout: 'F',
          },
        },
        server: { ip: '31.3.245.133' },
        client: { ip: '192.168.4.76' },
        file: { mime_type: 'text/plain', name: 'index.html' },
      },
    },
    {
      pattern: 'ZEEK_FILES',
      line: '1591367999.512593\tFEEsZS1w0Z0VJIb5x4\tnot-an-ip\t192.168.4.76\tCHhAvVGS1DHFjwGM9\tHTTP\t0\tMD5,SHA1\ttext/plain\t-\t0.000000\tF\tF\t39\t39\t0\t0\tF\t-\t9a1f72dd6f6f1e6a4e6a8a0b3d1d1b2c\t0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d\t-\t-\tF\t-',
      ecs: null,
    },
    { pattern: 'ZEEK_FILES_TX_HOSTS', line: '31.3.245.133', ecs: { server: { ip: '31.3.245.133' } } },
    { pattern: 'ZEEK_FILES_RX_HOSTS', line: '192.168.4.76', ecs: { client: { ip: '192.168.4.76' } } },
    { pattern: 'ZEEK_BOOL', line: 'F', ecs: {} },
    { pattern: 'ZEEK_DATA', line: 'x', ecs: {} },
  ],
} satisfies GrokCaseFile;
