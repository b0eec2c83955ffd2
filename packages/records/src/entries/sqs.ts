// `@lambdaware/records/sqs`: records(), decapsulate() and processBatch() for SQS events alone. A bundle that
// imports this entry point holds the SQS source and nothing of the other sources (the main entry point detects
// every source, and every payload kind inside a carrier). `source: 'auto'` (the default) means 'sqs'.
import { type RecordsApi, makeApi } from '../api.js';
import { registry } from '../decode.js';
import { sqs } from '../sources/sqs.js';

export const { records, decapsulate, processBatch }: RecordsApi<'sqs', 'sqs'> = makeApi(registry([sqs]));

export * from '../entry.js';
export type { SqsMessageRecord } from '../sources/sqs.js';
