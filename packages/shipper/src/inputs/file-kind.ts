import { show } from '@sluice/core';
import { type CommonInput, commonOf, type JoiningInput, joiningOf } from '../config/common.js';
import { FileInput } from './file.js';
import { type InputKind, inputBase } from './kind.js';

/**
 * The `type: file` map of the shipper YAML: its config type, schema and factory. Kept beside
 * file.ts (the input itself) because that file is already long; see kind.ts.
 */
export interface FileInputConfig extends CommonInput, JoiningInput {
  readonly type: 'file';
  readonly paths: readonly string[];
  /** Default true in a config file (a daemon), false in the quick form without --follow. */
  readonly follow?: boolean;
  readonly startAt?: 'beginning' | 'end';
  readonly scanIntervalMs?: number;
  readonly pollIntervalMs?: number;
  readonly closeInactiveMs?: number;
}

const pathsError = (issue: { input?: unknown }) =>
  issue.input === undefined
    ? 'is required (a path or a list of paths/globs)'
    : `must be a path or a non-empty list of paths/globs, got ${show(issue.input)}`;

export const fileInputKind: InputKind<'file', FileInputConfig> = {
  type: 'file',
  schema: ({ duration, flag, oneOf, section, z, commonShape, joiningShape }) =>
    section(
      {
        type: z.literal('file'),
        paths: z
          .union(
            [
              z.string({ error: pathsError }).min(1, { error: pathsError }),
              z
                .array(z.string({ error: pathsError }).min(1, { error: pathsError }), { error: pathsError })
                .min(1, {
                  error: pathsError,
                }),
            ],
            { error: pathsError },
          )
          .meta({ description: 'A path or glob, or a list of them.' }),
        follow: flag('Keep reading as files grow. Default true.').optional(),
        start_at: oneOf(
          ['beginning', 'end'],
          'Where a file never seen before is read from. Default beginning.',
        ).optional(),
        scan_interval: duration(10, 3_600_000, 'How often globs are matched again. Default 10s.').optional(),
        poll_interval: duration(
          10,
          60_000,
          'How often an open file is checked for growth. Default 250ms.',
        ).optional(),
        close_inactive: duration(
          100,
          7 * 24 * 3_600_000,
          'Close a file unchanged this long. Default 5m.',
        ).optional(),
        ...commonShape,
        ...joiningShape,
      },
      { is: 'a map with a type' },
    ).transform(
      (v): FileInputConfig => ({
        type: 'file',
        paths: typeof v.paths === 'string' ? [v.paths] : v.paths,
        ...commonOf(v),
        ...(v.follow !== undefined ? { follow: v.follow } : {}),
        ...(v.start_at ? { startAt: v.start_at } : {}),
        ...(v.scan_interval !== undefined ? { scanIntervalMs: v.scan_interval } : {}),
        ...(v.poll_interval !== undefined ? { pollIntervalMs: v.poll_interval } : {}),
        ...(v.close_inactive !== undefined ? { closeInactiveMs: v.close_inactive } : {}),
        ...joiningOf(v),
      }),
    ),
  create: (f, context) =>
    new FileInput(
      {
        paths: f.paths,
        follow: f.follow ?? true,
        ...inputBase(f, context),
        ...(f.startAt ? { startAt: f.startAt } : {}),
        ...(f.scanIntervalMs !== undefined ? { scanIntervalMs: f.scanIntervalMs } : {}),
        ...(f.pollIntervalMs !== undefined ? { pollIntervalMs: f.pollIntervalMs } : {}),
        ...(f.closeInactiveMs !== undefined ? { closeInactiveMs: f.closeInactiveMs } : {}),
      },
      context.registry,
      context.logger,
    ),
};
