import type { Processor, ProcessorFactory } from '../processor.js';
import { OptionReader } from './options.js';

/**
 * `drop: {}` removes the event from the pipeline; meant to be used with `if:`. A dropped
 * event is not an error: the pipeline returns null and the caller counts it.
 */
export const drop: ProcessorFactory = (options, context): Processor => {
  new OptionReader(options, context, []);
  return { name: 'drop', apply: () => null };
};
