// The events `--event` can name, all built by @lambdaware/events: the record-carrying ones from a payload of
// records, the HTTP ones (API Gateway REST v1, HTTP API v2, Function URLs) with the payload as the body.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type HttpEventOptions,
  apiGatewayV1Event,
  apiGatewayV2Event,
  dynamodbStreamEvent,
  eventBridgeEvent,
  functionUrlEvent,
  kinesisEvent,
  s3Event,
  snsEvent,
  snsOverSqsEvent,
  sqsEvent,
} from '@lambdaware/events';
import { thrownMessage } from '@lambdaware/shared';
import { InvokeUsageError } from './errors.js';

export { apiGatewayV1Event, apiGatewayV2Event, functionUrlEvent, type HttpEventOptions };

/** `--event` name → the @lambdaware/events builder it calls (its name, for messages, and the function). */
export const RECORD_EVENT_BUILDERS = {
  sqs: { name: 'sqsEvent', build: sqsEvent },
  sns: { name: 'snsEvent', build: snsEvent },
  'sns-sqs': { name: 'snsOverSqsEvent', build: snsOverSqsEvent },
  kinesis: { name: 'kinesisEvent', build: kinesisEvent },
  dynamodb: { name: 'dynamodbStreamEvent', build: dynamodbStreamEvent },
  eventbridge: { name: 'eventBridgeEvent', build: eventBridgeEvent },
  s3: { name: 's3Event', build: s3Event },
} as const satisfies Record<string, { name: string; build: (payload: never) => unknown }>;

/** The payload of a named event when `--payload` is not given. */
export const DEFAULT_PAYLOADS: Record<keyof typeof RECORD_EVENT_BUILDERS, unknown> = {
  sqs: { message: 'hello' },
  sns: { message: 'hello' },
  'sns-sqs': { message: 'hello' },
  kinesis: { message: 'hello' },
  dynamodb: { keys: { id: '1' }, newImage: { id: '1', message: 'hello' } },
  eventbridge: { message: 'hello' },
  s3: { bucket: 'example-bucket', key: 'incoming/hello.json', size: 1024 },
};

/** `--event` name → the @lambdaware/events HTTP builder it calls. */
export const HTTP_EVENT_BUILDERS = {
  'apigw-v1': apiGatewayV1Event,
  'apigw-v2': apiGatewayV2Event,
  url: functionUrlEvent,
} as const;

export const HTTP_EVENTS = Object.keys(HTTP_EVENT_BUILDERS) as (keyof typeof HTTP_EVENT_BUILDERS)[];
export type HttpEventName = keyof typeof HTTP_EVENT_BUILDERS;
export type EventName = keyof typeof RECORD_EVENT_BUILDERS | HttpEventName;
export const EVENT_NAMES: readonly EventName[] = [...(Object.keys(RECORD_EVENT_BUILDERS) as (keyof typeof RECORD_EVENT_BUILDERS)[]), ...HTTP_EVENTS];

/**
 * Builds the event `--event <name>` stands for, with `payload` (an array gives several records). A name that is
 * not an event name is read as a JSON file holding the whole event (`-` reads standard input).
 */
export async function loadEvent(spec: string, payload?: unknown, http: HttpEventOptions = {}, cwd = process.cwd()): Promise<unknown> {
  if (Object.hasOwn(RECORD_EVENT_BUILDERS, spec)) {
    const name = spec as keyof typeof RECORD_EVENT_BUILDERS;
    const builder = RECORD_EVENT_BUILDERS[name];
    try {
      return (builder.build as (payload: unknown) => unknown)(payload ?? DEFAULT_PAYLOADS[name]);
    } catch (error) {
      throw new InvokeUsageError(`--event ${spec}: ${builder.name}() refused the payload: ${thrownMessage(error)}`, { cause: error });
    }
  }
  if (Object.hasOwn(HTTP_EVENT_BUILDERS, spec)) return HTTP_EVENT_BUILDERS[spec as HttpEventName](payload, http);
  if (payload !== undefined) {
    throw new InvokeUsageError(`--payload goes with an event name (${EVENT_NAMES.join(', ')}), not with the event file "${spec}"`);
  }
  const file = spec === '-' ? '/dev/stdin' : resolve(cwd, spec);
  let text: string;
  try {
    text = spec === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvokeUsageError(
      code === 'ENOENT'
        ? `--event "${spec}": no such file, and not an event name (${EVENT_NAMES.join(', ')})`
        : `--event "${spec}": cannot read ${file}: ${thrownMessage(error)}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvokeUsageError(`--event "${spec}": ${file} is not valid JSON: ${thrownMessage(error)}`);
  }
}
