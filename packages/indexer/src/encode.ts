import { BulkActionLines, type EncodedBatch, encodeBody } from '@sluice/core';

export interface BulkDocument {
  readonly index: string;
  readonly id: string;
  /** The document, or its JSON text when already serialised. */
  readonly source: object | string;
  /** Which input record it came from. Default: its position. */
  readonly record?: number;
}

/**
 * Builds an EncodedBatch in the same shape parser workers produce (`create` action line +
 * source line per item). For `sluice dlq replay` when no pipeline is given, benchmarks
 * and tests; the consumer gets its batches from the parser pool instead.
 */
export function encodeBatch(documents: readonly BulkDocument[]): EncodedBatch {
  const starts = new Int32Array(documents.length + 1);
  const recordIndex = new Int32Array(documents.length);
  const parts: string[] = [];
  const actions = new BulkActionLines();
  let offset = 0;
  documents.forEach((doc, i) => {
    starts[i] = offset;
    recordIndex[i] = doc.record ?? i;
    const source = typeof doc.source === 'string' ? doc.source : JSON.stringify(doc.source);
    const text = `${actions.line(doc.index, doc.id)}${source}\n`;
    parts.push(text);
    offset += text.length;
  });
  starts[documents.length] = offset;
  return { body: encodeBody(parts.join(''), starts), starts, recordIndex, dropped: 0, failures: {} };
}
