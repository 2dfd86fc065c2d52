import type { GrokCaseFile } from '../case.js';

/**
 * Bacula director, storage and file daemon messages as Bacula writes them to its log.
 */
export default {
  file: 'bacula',
  cases: [
    {
      pattern: 'BACULA_LOGLINE',
      line: '28-Aug 21:55 bacula-sd JobId 24: Job write elapsed time = 00:00:01, Transfer rate = 0  Bytes/second',
      ecs: {
        timestamp: '28-Aug 21:55',
        host: { hostname: 'bacula-sd' },
        bacula: { job: { id: '24', elapsed_time: '00:00:01' } },
      },
      legacy: { bts: '28-Aug 21:55', hostname: 'bacula-sd', jobid: '24', elapsed: '00:00:01' },
    },
    {
      pattern: 'BACULA_LOGLINE',
      line: '01-Sep 10:00 backup-dir JobId 1234: Start Backup JobId 1234, Job=BackupClient1.2020-09-01_10.00.00_03',
      ecs: {
        timestamp: '01-Sep 10:00',
        host: { hostname: 'backup-dir' },
        bacula: { job: { id: '1234', name: 'BackupClient1.2020-09-01_10.00.00_03' } },
      },
      legacy: {
        bts: '01-Sep 10:00',
        hostname: 'backup-dir',
        jobid: '1234',
        job: 'BackupClient1.2020-09-01_10.00.00_03',
      },
    },
    {
      pattern: 'BACULA_LOGLINE',
      line: '09-Oct 03:08 backup-sd JobId 5120: End of medium on Volume "Vol-0042" Bytes=53,687,091,200 Blocks=832,203 at 09-Oct-2021 03:08.',
      ecs: {
        timestamp: '09-Oct 03:08',
        host: { hostname: 'backup-sd' },
        bacula: {
          job: { id: '5120' },
          volume: { name: 'Vol-0042', bytes: '53,687,091,200', blocks: '832,203' },
          timestamp: '09-Oct-2021 03:08',
        },
      },
      legacy: { bts: '09-Oct 03:08', hostname: 'backup-sd', jobid: '5120', volume: 'Vol-0042' },
    },
    {
      pattern: 'BACULA_LOGLINE',
      line: '28-Aug 21:55 bacula-dir JobId 24: Fatal error: bsock.c:133 Unable to connect to Client: client1-fd on 10.0.0.15:9102. ERR=Connection refused',
      ecs: {
        timestamp: '28-Aug 21:55',
        host: { hostname: 'bacula-dir' },
        bacula: { job: { id: '24' }, client: { name: 'client1-fd' } },
        client: { address: '10.0.0.15', port: 9102 },
        error: { message: 'Connection refused' },
      },
      legacy: {
        bts: '28-Aug 21:55',
        hostname: 'bacula-dir',
        jobid: '24',
        client: 'client1-fd',
        berror: 'Connection refused',
      },
    },
    {
      pattern: 'BACULA_LOGLINE',
      line: '11-Jan 22:05 fileserver-fd JobId 1103:      Could not stat "/var/lib/nfs/rpc_pipefs": ERR=Permission denied',
      ecs: {
        timestamp: '11-Jan 22:05',
        host: { hostname: 'fileserver-fd' },
        bacula: { job: { id: '1103' } },
        file: { path: '"/var/lib/nfs/rpc_pipefs"' },
        error: { message: 'Permission denied' },
      },
      legacy: { bts: '11-Jan 22:05', hostname: 'fileserver-fd', jobid: '1103', berror: 'Permission denied' },
    },
    {
      pattern: 'BACULA_LOGLINE',
      line: '03-Feb 04:00 bacula-dir: Pruned 3 Jobs for client client1-fd from catalog.',
      ecs: {
        timestamp: '03-Feb 04:00',
        host: { hostname: 'bacula-dir' },
        bacula: { client: { name: 'client1-fd' } },
      },
      legacy: { bts: '03-Feb 04:00', hostname: 'bacula-dir', client: 'client1-fd' },
    },
    {
      pattern: 'BACULA_LOGLINE',
      line: '12-Mar 22:10 bacula-sd JobId 77: Labeled new Volume "Full-0003" on device "FileStorage" (/srv/bacula/volumes).',
      ecs: {
        timestamp: '12-Mar 22:10',
        host: { hostname: 'bacula-sd' },
        bacula: {
          job: { id: '77' },
          volume: { name: 'Full-0003', device: 'FileStorage', path: '/srv/bacula/volumes' },
        },
      },
      legacy: {
        bts: '12-Mar 22:10',
        hostname: 'bacula-sd',
        jobid: '77',
        volume: 'Full-0003',
        device: 'FileStorage',
      },
    },
    {
      pattern: 'BACULA_LOGLINE',
      line: '12-Mar 22:10 bacula-sd JobId 77: Ready to append to end of Volume "Full-0003" size=1048576',
      ecs: {
        timestamp: '12-Mar 22:10',
        host: { hostname: 'bacula-sd' },
        bacula: { job: { id: '77' }, volume: { name: 'Full-0003', size: 1048576 } },
      },
      legacy: { bts: '12-Mar 22:10', hostname: 'bacula-sd', jobid: '77', volume: 'Full-0003' },
    },
    {
      pattern: 'BACULA_LOGLINE',
      line: '12-Mar-2021 22:10 backup.example.com JobId 77: Fatal error: Unable to authenticate with File daemon at "client2.example.com:9102". Possible causes:',
      note: 'a year and a dotted host: ECS only',
      ecs: {
        timestamp: '12-Mar-2021 22:10',
        host: { hostname: 'backup.example.com' },
        bacula: { job: { id: '77' } },
        client: { address: 'client2.example.com', port: 9102 },
      },
      legacy: null,
    },
    {
      pattern: 'BACULA_LOGLINE',
      line: '12-Mar 22:10 bacula-dir JobId 77: Some message Bacula does not write',
      ecs: null,
      legacy: null,
    },
    {
      pattern: 'BACULA_LOG',
      line: '28-Aug 21:55 bacula-dir JobId 24: Fatal error: JobId 23 already running. Duplicate job not allowed.',
      ecs: {
        timestamp: '28-Aug 21:55',
        host: { hostname: 'bacula-dir' },
        bacula: { job: { id: '24', other_id: '23' } },
      },
    },
    {
      pattern: 'BACULA_LOG',
      line: '05-Apr 12:00 client-fd JobId 9:      /proc is a different filesystem. Will not descend from / into it.',
      ecs: { timestamp: '05-Apr 12:00', host: { hostname: 'client-fd' }, bacula: { job: { id: '9' } } },
    },
    {
      pattern: 'BACULA_LOGLINE',
      line: '14-Jun 02:00 bacula-dir JobId 301 Fatal Error: JobId 299 already running. Duplicate job not allowed.',
      note: 'Bacula 9 writes "Fatal Error" and may leave out the colon: ECS only',
      ecs: {
        timestamp: '14-Jun 02:00',
        host: { hostname: 'bacula-dir' },
        bacula: { job: { id: '301', other_id: '299' } },
      },
      legacy: null,
    },
    {
      pattern: 'BACULA_LOGLINE',
      line: '14-Jun 02:00 bacula-dir JobId 300: Cancelling duplicate JobId=298.',
      ecs: {
        timestamp: '14-Jun 02:00',
        host: { hostname: 'bacula-dir' },
        bacula: { job: { id: '300', other_id: '298' } },
      },
      legacy: { bts: '14-Jun 02:00', hostname: 'bacula-dir', jobid: '300' },
    },
    { pattern: 'BACULA_TIMESTAMP', line: '28-Aug 21:55', ecs: {}, legacy: {} },
  ],
} satisfies GrokCaseFile;
