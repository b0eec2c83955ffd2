// The handlers through Middy (their source, in this process): golambda's join, a bad record, partial batches.
import { expect, it } from '@jest/globals';
import type { SQSEvent } from 'aws-lambda';
import { captureOutput } from '@lambdaware/testkit';
import { lambdaContext, sqsEvent } from '@lambdaware/events';
import { RecordsError } from '@lambdaware/records';
import { awsSample } from '../../test-helpers.js';
import { batchHandler, handler } from '../src/handler.js';

it("joins the batch's messages with ':' (golambda's example), one JSON line with the request id", async () => {
  const context = lambdaContext({ functionName: 'sqs-concat' });
  const out = await captureOutput(() => handler(sqsEvent([{ message: 'blue' }, { message: 'orange' }]), context));
  expect(out.result).toBe('blue:orange');
  expect(out.stdoutLines()).toEqual([
    expect.objectContaining({ level: 'INFO', message: 'joined the batch', joined: 'blue:orange', count: 2, function_request_id: context.awsRequestId }),
  ]);
});

it('keeps the order of the batch and any message text', async () => {
  const messages = ['a', '', 'ü:ñ', 'x'.repeat(1000)];
  const out = await captureOutput(() => handler(sqsEvent(messages.map((message) => ({ message }))), lambdaContext()));
  expect(out.result).toBe(messages.join(':'));
});

it('a bad record fails the invocation with one error line naming its index and message id', async () => {
  const event = sqsEvent([{ message: 'blue' }, { msg: 'orange' }]);
  const context = lambdaContext();
  const out = await captureOutput(() => handler(event, context));
  expect(out.error).toBeInstanceOf(RecordsError);
  const message = (out.error as Error).message;
  expect(message).toContain('record 1');
  expect(message).toContain(event.Records[1].messageId);
  const errors = out.stdoutLines().filter((l) => l.level === 'ERROR');
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ function_request_id: context.awsRequestId, error: { type: 'RecordsError' } });
});

it("aws-lambda-go's SQS sample (plain-text bodies) is refused, naming the record", async () => {
  const event = awsSample<SQSEvent>('sqs-event.json');
  const out = await captureOutput(() => handler(event, lambdaContext()));
  expect((out.error as Error).message).toContain(event.Records[0].messageId);
  expect((out.error as Error).message).toMatch(/not JSON/);
});

it('partial batch: the bad record is named in batchItemFailures, the others joined', async () => {
  const event = sqsEvent([{ message: 'blue' }, 'not json', { message: 'orange' }, { message: 7 }]);
  const out = await captureOutput(() => batchHandler(event, lambdaContext()));
  expect(out.result).toEqual({
    batchItemFailures: [{ itemIdentifier: event.Records[1].messageId }, { itemIdentifier: event.Records[3].messageId }],
  });
  const lines = out.stdoutLines();
  expect(lines.find((l) => l.message === 'joined the batch')).toMatchObject({ joined: 'blue:orange', count: 2 });
  expect(lines.filter((l) => l.level === 'WARN').map((l) => l.index)).toEqual([1, 3]);
});

it('partial batch: all good gives an empty batchItemFailures; all bad fails the invocation', async () => {
  const good = await captureOutput(() => batchHandler(sqsEvent([{ message: 'blue' }]), lambdaContext()));
  expect(good.result).toEqual({ batchItemFailures: [] });
  const bad = await captureOutput(() => batchHandler(sqsEvent(['x', 'y']), lambdaContext()));
  expect(bad.error).toBeInstanceOf(RecordsError);
});
