// `@lambdaware/records/cloudwatch-logs`: records(), decapsulate() and processBatch() for CloudWatch Logs events alone. A bundle that
// imports this entry point holds the CloudWatch Logs source and nothing of the other sources (the main entry point detects
// every source, and every payload kind inside a carrier). `source: 'auto'` (the default) means 'cloudwatch-logs'.
import { type RecordsApi, makeApi } from '../api.js';
import { registry } from '../decode.js';
import { cloudwatchLogs } from '../sources/cloudwatch-logs.js';

export const { records, decapsulate, processBatch }: RecordsApi<'cloudwatch-logs', 'cloudwatch-logs'> = makeApi(registry([cloudwatchLogs]));

export * from '../entry.js';
export type { CloudWatchLogsRecord } from '../sources/cloudwatch-logs.js';
