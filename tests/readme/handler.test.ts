import { expect, test } from '@jest/globals';
import { lambdaContext, sqsEvent } from '@lambdaware/events';
import { RecordsError } from '@lambdaware/records';
import { typecheck } from '@lambdaware/testkit';
import { readFileSync } from 'node:fs';
import { handler } from './handler.js';

test('joins the messages of the batch', async () => {
  const event = sqsEvent([{ message: 'blue' }, { message: 'orange' }]);
  expect(await handler(event, lambdaContext())).toBe('blue:orange');
});

test('a bad record is named by index and message id', async () => {
  const event = sqsEvent([{ message: 'blue' }, { note: 'no message' }]);
  const error = await handler(event, lambdaContext()).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RecordsError);
  expect((error as Error).message).toContain('record 1');
  expect((error as Error).message).toContain(event.Records[1].messageId);
});

test('the README shows this handler and this test verbatim', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const handlerSource = readFileSync(new URL('./handler.ts', import.meta.url), 'utf8')
    .split('\n')
    .slice(1)
    .join('\n');
  expect(readme).toContain(handlerSource.trim());
  expect(readme).toContain(
    "const event = sqsEvent([{ message: 'blue' }, { message: 'orange' }]);\n  expect(await handler(event, lambdaContext())).toBe('blue:orange');",
  );
});

test('the payload type is inferred from the schema (tsc accepts the handler)', async () => {
  const result = await typecheck(new URL('./tsconfig.json', import.meta.url));
  expect(result.output).toBe('');
  expect(result.code).toBe(0);
});
