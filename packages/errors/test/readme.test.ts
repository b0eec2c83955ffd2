// The README's example, run: its line must match the README's JSON block (except the timestamp and frame paths).
import { afterEach, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { Context, SQSEvent } from 'aws-lambda';
import middy from '@middy/core';
import { setLogSink } from '@lambdaware/shared';
import { captureOutput } from '@lambdaware/testkit';
import { LambdaError, errorLog, newError } from '@lambdaware/errors';

afterEach(() => setLogSink(undefined));

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const documented = JSON.parse(/```json\n([\s\S]*?)```/.exec(readme)![1].replace(/\n/g, '')) as Record<string, any>;
const event = JSON.parse(readFileSync(new URL('../../../fixtures/events/aws-lambda-go/sqs-event.json', import.meta.url), 'utf8')) as SQSEvent;

const throwLine =
  readFileSync(new URL(import.meta.url), 'utf8')
    .split('\n')
    .findIndex((l) => l.endsWith('// README-THROW')) + 1;

it('prints the documented line', async () => {
  const handler = middy(async (event: SQSEvent) => {
    const trigger = event.Records[0].eventSourceARN;
    throw newError('oops').with('trigger', trigger).with('count', event.Records.length); // README-THROW
  }).use(errorLog());

  const out = await captureOutput(() => handler(event, { awsRequestId: documented.function_request_id } as Context));
  expect(out.error).toBeInstanceOf(LambdaError);
  const [line, ...rest] = out.stderrLines() as Record<string, any>[];
  expect(rest).toEqual([]);
  const strip = ({ timestamp, error: { stacktrace, ...error }, ...l }: Record<string, any>) => ({ ...l, error });
  expect(strip(line)).toEqual(strip(documented));
  expect(Object.keys(line)).toEqual(Object.keys(documented));
  // Frame 0 is the handler's throw line here (jest's source-map support renames it after the callee, so its func
  // is not compared); the next frames are Middy's, as documented.
  expect(line.error.stacktrace[0]).toMatchObject({ file: expect.stringMatching(/readme\.test\.ts$/), line: throwLine });
  expect(line.error.stacktrace.map((f: { func: string }) => f.func).slice(1, 3)).toEqual(
    documented.error.stacktrace.map((f: { func: string }) => f.func).slice(1),
  );
});
