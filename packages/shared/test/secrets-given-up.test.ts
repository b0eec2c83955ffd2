import { expect, test } from '@jest/globals';
import { giveUpSecretLoad, pendingSecrets, secretLoadsGivenUp } from '@lambdaware/shared';

test('a given-up secret load is told while in flight, not waited for, and forgotten once it settles (resolved or rejected)', async () => {
  expect(secretLoadsGivenUp()).toBe(false);
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const a = new Promise<void>((r) => {
    resolve = r;
  });
  const b = new Promise<void>((_r, j) => {
    reject = j;
  });
  giveUpSecretLoad(a);
  giveUpSecretLoad(b);
  b.catch(() => undefined);
  expect(secretLoadsGivenUp()).toBe(true);
  expect(pendingSecrets()).toBeUndefined(); // no line waits for it
  resolve();
  await a;
  expect(secretLoadsGivenUp()).toBe(true); // b is still in flight
  reject(new Error('timeout'));
  await b.catch(() => undefined);
  await Promise.resolve();
  expect(secretLoadsGivenUp()).toBe(false);
});
