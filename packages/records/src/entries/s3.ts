// `@lambdaware/records/s3`: records(), decapsulate() and processBatch() for S3 events alone. A bundle that
// imports this entry point holds the S3 source and nothing of the other sources (the main entry point detects
// every source, and every payload kind inside a carrier). `source: 'auto'` (the default) means 's3'.
import { type RecordsApi, makeApi } from '../api.js';
import { registry } from '../decode.js';
import { s3 } from '../sources/s3.js';

export const { records, decapsulate, processBatch }: RecordsApi<'s3', 's3'> = makeApi(registry([s3]));

export * from '../entry.js';
export type { S3ObjectRecord } from '../sources/s3.js';
