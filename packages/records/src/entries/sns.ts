// `@lambdaware/records/sns`: records(), decapsulate() and processBatch() for SNS events alone. A bundle that
// imports this entry point holds the SNS source and nothing of the other sources (the main entry point detects
// every source, and every payload kind inside a carrier). `source: 'auto'` (the default) means 'sns'.
import { type RecordsApi, makeApi } from '../api.js';
import { registry } from '../decode.js';
import { sns } from '../sources/sns.js';

export const { records, decapsulate, processBatch }: RecordsApi<'sns', 'sns'> = makeApi(registry([sns]));

export * from '../entry.js';
export type { SnsMessageRecord } from '../sources/sns.js';
