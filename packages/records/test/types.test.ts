import { expect, test } from '@jest/globals';
import { typecheck } from '@lambdaware/testkit';

// The schema's output type reaches `context.records[n].payload` (and eachRecord's record) through middy's `.use()`:
// checked by compiling test/types/inference.ts, whose `@ts-expect-error` lines must each be an error.
test('payload types are inferred from the schema (tsc on test/types)', async () => {
  const result = await typecheck(new URL('./types/tsconfig.json', import.meta.url));
  expect(result.output).toBe('');
  expect(result.code).toBe(0);
});
