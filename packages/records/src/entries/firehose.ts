// `@lambdaware/records/firehose`: records(), decapsulate() and processBatch() for Kinesis Firehose events alone. A bundle that
// imports this entry point holds the Kinesis Firehose source and nothing of the other sources (the main entry point detects
// every source, and every payload kind inside a carrier). `source: 'auto'` (the default) means 'firehose'.
import { type RecordsApi, makeApi } from '../api.js';
import { registry } from '../decode.js';
import { firehose } from '../sources/firehose.js';

export const { records, decapsulate, processBatch }: RecordsApi<'firehose', 'firehose'> = makeApi(registry([firehose]));

export * from '../entry.js';
export { DROP } from '../batch.js';
export type { FirehoseRecord } from '../sources/firehose.js';
