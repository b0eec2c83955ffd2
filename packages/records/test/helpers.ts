import { readFileSync } from 'node:fs';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { lambdaContext } from '@lambdaware/events';
import { setLogSink, type SinkLevel } from '@lambdaware/shared';
import { records, type RecordsOptions } from '@lambdaware/records';

/** A real AWS sample event from fixtures/events/aws-lambda-go/. */
export const sample = (name: string): any => JSON.parse(readFileSync(new URL(`../../../fixtures/events/aws-lambda-go/${name}`, import.meta.url), 'utf8'));

export const sampleText = (name: string): string => readFileSync(new URL(`../../../fixtures/events/aws-lambda-go/${name}`, import.meta.url), 'utf8');

/** Runs `event` through `middy(handler).use(records(options))`; returns what the handler saw and the response. */
export const run = async (event: unknown, options?: RecordsOptions<any, any, any>) => {
  let seen: { event: unknown; records: any[] } | undefined;
  const handler = middy()
    .use(records(options))
    .handler(async (e: unknown, context: Context & { records: any[] }) => {
      seen = { event: e, records: context.records };
      return 'handler result';
    });
  const response = await handler(event, lambdaContext());
  return { response, event: seen?.event, records: seen!.records };
};

/** Collects what lambdaware packages write through the log sink. */
export const captureSink = () => {
  const lines: { level: SinkLevel; message: string; fields?: Record<string, unknown> }[] = [];
  setLogSink({ log: (level, message, fields) => lines.push({ level, message, fields }) });
  return { lines, restore: () => setLogSink(undefined) };
};

/** The rejection of a promise (fails the test when it resolves). */
export const rejection = async (promise: Promise<unknown>): Promise<any> => {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection, but the promise resolved');
};

/** A sample event written for this project from the shapes AWS documents (fixtures/events/lambdaware/). */
export const ownSample = (name: string): any => JSON.parse(readFileSync(new URL(`../../../fixtures/events/lambdaware/${name}`, import.meta.url), 'utf8'));
