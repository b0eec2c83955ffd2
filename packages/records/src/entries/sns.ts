// `@lambdaware/records/sns`: records(), decapsulate() and processBatch() for SNS events alone. A bundle that
// imports this entry point holds the SNS source and nothing of the other sources (the main entry point detects
// every source, and every payload kind inside a carrier). `source: 'auto'` (the default) means 'sns'.
import { type RecordsApi, makeApi } from '../api.js';
import { registry } from '../decode.js';
import { sns } from '../sources/sns.js';

export const { records, decapsulate, processBatch }: RecordsApi<'sns', 'sns'> = makeApi<'sns', 'sns'>(registry([sns], []));

export { type RecordsContext, type ResponseOf } from '../api.js';
export { RecordsError, RecordsOptionError } from '../errors.js';
export type { SnsMessageRecord } from '../sources/sns.js';
export type { PayloadFormat, PayloadOf, RecordFailure, RecordsOptions, BatchResponse } from '../types.js';
