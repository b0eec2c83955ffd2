// `@lambdaware/records/dynamodb`: records(), decapsulate() and processBatch() for DynamoDB stream events alone. A bundle that
// imports this entry point holds the DynamoDB stream source and nothing of the other sources (the main entry point detects
// every source, and every payload kind inside a carrier). `source: 'auto'` (the default) means 'dynamodb'.
import { type RecordsApi, makeApi } from '../api.js';
import { registry } from '../decode.js';
import { dynamodb } from '../sources/dynamodb.js';

export const { records, decapsulate, processBatch }: RecordsApi<'dynamodb', 'dynamodb'> = makeApi(registry([dynamodb]));

export * from '../entry.js';
export type { DynamoDBChangeRecord } from '../sources/dynamodb.js';
