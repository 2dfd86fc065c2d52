import { type CommonInput, commonOf } from '../config/common.js';
import { type InputKind, inputBase } from './kind.js';
import { SyslogTcpInput } from './syslog-tcp.js';
import { UdpInput } from './udp.js';

/** `type: syslog`: RFC 3164/5424 messages over UDP (default) or TCP. */
export interface SyslogInputConfig extends CommonInput {
  readonly type: 'syslog';
  readonly protocol?: 'udp' | 'tcp';
  readonly host?: string;
  readonly port: number;
}

export const syslogInputKind: InputKind<'syslog', SyslogInputConfig> = {
  type: 'syslog',
  schema: ({ oneOf, section, text, z, commonShape, portSchema }) =>
    section(
      {
        type: z.literal('syslog'),
        protocol: oneOf(['udp', 'tcp'], 'Default udp.').optional(),
        host: text('The address to listen on. Default 127.0.0.1.').optional(),
        port: portSchema(),
        ...commonShape,
      },
      { is: 'a map with a type' },
    ).transform(
      (v): SyslogInputConfig => ({
        type: 'syslog',
        port: v.port,
        ...commonOf(v),
        ...(v.host ? { host: v.host } : {}),
        ...(v.protocol ? { protocol: v.protocol } : {}),
      }),
    ),
  create: (s, context) => {
    const common = {
      port: s.port,
      ...inputBase(s, context),
      ...(s.host ? { host: s.host } : {}),
    };
    return (s.protocol ?? 'udp') === 'tcp'
      ? new SyslogTcpInput(common, context.logger)
      : new UdpInput({ ...common, codec: 'syslog' }, context.logger);
  },
};
