// `@lambdaware/records/kinesis`: records(), decapsulate() and processBatch() for Kinesis events alone. A bundle that
// imports this entry point holds the Kinesis source and nothing of the other sources (the main entry point detects
// every source, and every payload kind inside a carrier). `source: 'auto'` (the default) means 'kinesis'.
import { type RecordsApi, makeApi } from '../api.js';
import { registry } from '../decode.js';
import { kinesis } from '../sources/kinesis.js';

export const { records, decapsulate, processBatch }: RecordsApi<'kinesis', 'kinesis'> = makeApi(registry([kinesis]));

export * from '../entry.js';
export type { KinesisDataRecord } from '../sources/kinesis.js';
