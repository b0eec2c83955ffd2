import { type RecordsApi, makeApi } from './api.js';
import { carriage, sourcesOf } from './carry.js';
import { registry } from './decode.js';
import { EVENTS, KINDS } from './sources/index.js';
import type { Source } from './types.js';

/**
 * The main entry point: every event source, each detected from the event, and every payload kind, detected in any
 * carrier. A function that knows its source imports its own entry point (`@lambdaware/records/sqs`), which bundles
 * that source alone.
 */
const REGISTRY = registry(EVENTS, KINDS, carriage);

export const { records, decapsulate, processBatch }: RecordsApi<Source, 'auto'> = makeApi<Source, 'auto'>(REGISTRY);

/** Every source the `source` option can name: the event sources, then each payload kind through each carrier path. */
export const SOURCES = sourcesOf(REGISTRY) as readonly Source[];

export { DROP } from './batch.js';
export type { RecordsContext, ResponseOf, RecordsApi } from './api.js';
