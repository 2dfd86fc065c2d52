import { type Processor, type ProcessorFactory, withOptions } from '../processor.js';
import { OptionReader } from './options.js';

/** The options it reads (its OptionReader's list, published in the pipeline JSON Schema). */
const DROP_OPTIONS = [] as const;

/**
 * `drop: {}` removes the event from the pipeline; meant to be used with `if:`. A dropped
 * event is not an error: the pipeline returns null and the caller counts it.
 */
export const drop: ProcessorFactory = withOptions(DROP_OPTIONS, (options, context): Processor => {
  new OptionReader(options, context, DROP_OPTIONS);
  return { name: 'drop', apply: () => null };
});
