import { expect, test } from '@jest/globals';
import { typecheck } from '@lambdaware/testkit';

// The schema's output type reaches `context.secrets.<key>` through middy's `.use()`: checked by compiling
// test/types/inference.ts, whose `@ts-expect-error` lines must each be an error.
test('secret types are inferred through .use() (tsc on test/types)', async () => {
  const result = await typecheck(new URL('./types/tsconfig.json', import.meta.url));
  expect(result.output).toBe('');
  expect(result.code).toBe(0);
});
