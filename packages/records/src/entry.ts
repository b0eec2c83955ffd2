// What every per-source entry point (`entries/<source>.ts`, `@lambdaware/records/<source>`) exports besides its own
// records(), decapsulate(), processBatch() and record type.
export { RecordsError, RecordsOptionError } from './errors.js';
export type { RecordsContext, ResponseOf } from './api.js';
export type { BatchResponse, FirehoseTransformationResponse, PayloadFormat, PayloadOf, RecordFailure, RecordsOptions } from './types.js';
