import { expect, test } from '@jest/globals';
import { typecheck } from '@lambdaware/testkit';

// `.use(lambdaware(...))` keeps Middy 7's inference of context.records and context.secrets: checked by compiling
// test/types/inference.ts, whose `@ts-expect-error` lines must each be an error.
test('context.records and context.secrets are typed through .use(lambdaware(...)) (tsc on test/types)', async () => {
  const result = await typecheck(new URL('./types/tsconfig.json', import.meta.url));
  expect(result.output).toBe('');
  expect(result.code).toBe(0);
});
