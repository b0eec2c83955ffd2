// `@lambdaware/records/eventbridge`: records(), decapsulate() and processBatch() for EventBridge events alone. A bundle that
// imports this entry point holds the EventBridge source and nothing of the other sources (the main entry point detects
// every source, and every payload kind inside a carrier). `source: 'auto'` (the default) means 'eventbridge'.
import { type RecordsApi, makeApi } from '../api.js';
import { registry } from '../decode.js';
import { eventbridge } from '../sources/eventbridge.js';

export const { records, decapsulate, processBatch }: RecordsApi<'eventbridge', 'eventbridge'> = makeApi(registry([eventbridge]));

export * from '../entry.js';
export type { EventBridgeEventRecord } from '../sources/eventbridge.js';
