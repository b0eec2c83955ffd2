import { expect, test } from '@jest/globals';
import { sqsEvent } from '@lambdaware/events';
import { RecordsError, decapsulate } from '@lambdaware/records';
import { z } from 'zod';

const failingBatch = async (n: number): Promise<RecordsError> => {
  const event = sqsEvent(Array.from({ length: n }, (_, i) => ({ n: `not a number ${i} ${'x'.repeat(200)}` })));
  try {
    await decapsulate(event, { schema: z.object({ n: z.number() }) });
  } catch (e) {
    if (e instanceof RecordsError) return e;
    throw e;
  }
  throw new Error('expected a RecordsError');
};

// aws-lambda-ric prints a thrown error as JSON.stringify(error, replacer) with every enumerable property
// ("Invoke Error" line): toJSON keeps that line bounded whatever the batch.
test('JSON of a RecordsError for 10,000 bad records stays bounded and keeps the first failures', async () => {
  const small = await failingBatch(3);
  const large = await failingBatch(10_000);
  expect(large.failures).toHaveLength(10_000);
  const json = JSON.parse(JSON.stringify(large)) as Record<string, any>;
  expect(json.errorType).toBe('RecordsError');
  expect(json.errorMessage).toBe(large.message);
  expect(json.total).toBe(10_000);
  expect(json.failures).toHaveLength(25);
  expect(json.failures[0]).toMatchObject({ index: 0, id: large.failures[0]!.id, source: 'sqs', kind: 'schema' });
  expect(json.failuresOmitted).toBe(10_000 - 25);
  expect(JSON.stringify(large).length).toBeLessThan(64 * 1024);
  const smallJson = JSON.parse(JSON.stringify(small)) as Record<string, any>;
  expect(smallJson.failures).toHaveLength(3);
  expect(smallJson.failuresOmitted).toBeUndefined();
  expect(Array.isArray(smallJson.stack)).toBe(true);
});
