import { ConfigError } from '@sluice/core';
import { CompressionTypes } from 'kafkajs';

/**
 * Kafka compression by name. kafkajs implements gzip itself; lz4 and zstd need a codec
 * registered in `CompressionCodecs`, which this package does not ship (see README,
 * "Kafka: compression"), so they are refused up front rather than failing at the first send.
 */
const NAMES = ['none', 'gzip', 'lz4', 'zstd'] as const;

export function compressionCodec(name: string): CompressionTypes {
  switch (name.toLowerCase()) {
    case 'none':
      return CompressionTypes.None;
    case 'gzip':
      return CompressionTypes.GZIP;
    case 'lz4':
    case 'zstd':
      throw new ConfigError(`Kafka compression ${name} is not available in this build`, {
        hint: 'use ?compression=gzip (or none); lz4/zstd codecs for kafkajs need native modules that are not installed',
      });
    default:
      throw new ConfigError(`Kafka option compression must be one of ${NAMES.join(', ')}, got "${name}"`);
  }
}
