import { expect, test } from '@jest/globals';
import { typecheck } from '@lambdaware/testkit';

// test/types/inference.ts must compile, each `@ts-expect-error` line being an error.
test('context.request is typed by the schemas through .use(http(...)) (tsc on test/types)', async () => {
  const result = await typecheck(new URL('./types/tsconfig.json', import.meta.url));
  expect(result.output).toBe('');
  expect(result.code).toBe(0);
}, 60_000);
