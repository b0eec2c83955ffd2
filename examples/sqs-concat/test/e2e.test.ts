// End to end: the esbuild bundle run by the real AWS Lambda runtime interface client (aws-lambda-ric) through
// `lambdaware invoke`'s invoke(), as Lambda runs it.
import { beforeAll, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { invoke } from '@lambdaware/cli';
import { sqsEvent } from '@lambdaware/events';
// @ts-expect-error a plain .mjs script without types
import { bundle } from '../bundle.mjs';
import { jsonLines } from '../../test-helpers.js';

const cwd = fileURLToPath(new URL('..', import.meta.url));
beforeAll(async () => {
  await bundle();
}, 60_000);

it('one warm environment: blue:orange, then a bad batch failing with {errorType, errorMessage, trace}', async () => {
  const bad = sqsEvent([{ message: 'blue' }, { nope: 1 }]);
  const result = await invoke({ handler: 'dist/handler.mjs#handler', cwd, events: [sqsEvent([{ message: 'blue' }, { message: 'orange' }]), bad] });
  const [ok, failed] = result.invocations;
  expect(ok.status).toBe('success');
  expect(ok.response).toBe('blue:orange');
  expect(ok.cold).toBe(true);
  expect(jsonLines(ok.functionLines)).toEqual([
    expect.objectContaining({ message: 'joined the batch', joined: 'blue:orange', function_request_id: ok.requestId }),
  ]);

  expect(failed.status).toBe('error');
  expect(failed.cold).toBe(false);
  expect(failed.error).toEqual({ errorType: 'RecordsError', errorMessage: expect.stringContaining(bad.Records[1].messageId), trace: expect.any(Array) });
  expect(failed.error!.trace[0]).toMatch(/^RecordsError: /);
  const errorLines = jsonLines(failed.functionLines).filter((l) => l.level === 'ERROR');
  expect(errorLines).toHaveLength(1);
  expect(errorLines[0]).toMatchObject({ function_request_id: failed.requestId, error: { type: 'RecordsError' } });
  expect(result.exitCode).toBe(1);
});

it('batchHandler answers batchItemFailures naming the one bad record', async () => {
  const event = sqsEvent([{ message: 'blue' }, '{"message":', { message: 'orange' }]);
  const result = await invoke({ handler: 'dist/handler.mjs#batchHandler', cwd, event, env: { LOG_LEVEL: 'debug' } });
  expect(result.status).toBe('success');
  expect(result.response).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[1].messageId }] });
  const lines = jsonLines(result.invocations[0].functionLines);
  expect(lines.filter((l) => l.message === 'record').map((l) => l.messageId)).toEqual([event.Records[0].messageId, event.Records[2].messageId]);
  expect(lines.find((l) => l.level === 'WARN')).toMatchObject({ index: 1, id: event.Records[1].messageId, kind: 'parse' });
  for (const l of lines) expect(l.function_request_id).toBe(result.requestId);
});
