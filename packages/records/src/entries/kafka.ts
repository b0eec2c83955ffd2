// `@lambdaware/records/kafka`: records(), decapsulate() and processBatch() for Kafka events alone. A bundle that
// imports this entry point holds the Kafka source and nothing of the other sources (the main entry point detects
// every source, and every payload kind inside a carrier). `source: 'auto'` (the default) means 'kafka'.
import { type RecordsApi, makeApi } from '../api.js';
import { registry } from '../decode.js';
import { kafka } from '../sources/kafka.js';

export const { records, decapsulate, processBatch }: RecordsApi<'kafka', 'kafka'> = makeApi(registry([kafka]));

export * from '../entry.js';
export type { KafkaRecord } from '../sources/kafka.js';
