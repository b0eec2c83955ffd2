import type { S3EventRecord } from 'aws-lambda';
import type { S3ObjectRecord } from '../types.js';
import { type Descriptor, type Obj, isObject, s3Entry, str } from './common.js';

declare module '../types.js' {
  interface RecordsBySource<T> {
    s3: S3ObjectRecord<T, 's3'>;
  }
}

export const s3 = {
  kind: 's3',
  label: 'S3',
  article: 'an',
  sources: ['s3'],
  eventSource: 'aws:s3',
  structured: true,
  partial: 'none',
  ordered: false,
  decode: (raw, index) => {
    const r = raw as Obj;
    const responseElements = isObject(r.responseElements) ? r.responseElements : {};
    const object = isObject(r.s3) && isObject(r.s3.object) ? r.s3.object : {};
    const id = str(responseElements['x-amz-request-id']) ?? str(object.sequencer) ?? String(index);
    return s3Entry([raw], index, id, 's3', raw as S3EventRecord, undefined, undefined);
  },
  idOf: () => undefined,
} as const satisfies Descriptor;
