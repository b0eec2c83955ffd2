import { expect, it } from '@jest/globals';
import { typecheck } from '@lambdaware/testkit';

it("tsc (strict) accepts a team's Powertools Logger in logContext() and Powertools' options in createLogger()", async () => {
  const result = await typecheck(new URL('./types/tsconfig.json', import.meta.url));
  expect(result.output).toBe('');
  expect(result.code).toBe(0);
}, 60_000);
