// Rotation (issue 21): a credential rejected by the app's database after a rotation is fetched again (AWSCURRENT,
// then AWSPENDING when asked) and the handler retried once within the invocation's deadline; through the real AWS
// SDK against the local Secrets Manager endpoint, with a stand-in database that accepts one password at a time.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import { z } from 'zod';
import { clearSecrets, setLogSink } from '@lambdaware/shared';
import { startSecretsManager, type LocalSecretsManager } from '@lambdaware/testkit';
import { secrets, withRotation } from '@lambdaware/secrets';
import { clientFor, contextWithin, lambdaContextFor, uniqueNames } from './helpers.js';

let sm: LocalSecretsManager;
beforeAll(async () => {
  sm = await startSecretsManager();
  setLogSink({ log: () => undefined });
});
afterAll(async () => {
  setLogSink(undefined);
  await sm.close();
});
beforeEach(() => {
  sm.setFault();
  sm.calls.length = 0;
  clearSecrets();
});

const uniq = uniqueNames((n) => `%s-${n}`);
const Db = z.object({ username: z.string(), password: z.string() });

/** A database that accepts one password, and fails others the way Postgres does (code 28P01). */
const database = (password: string) => {
  const db = { password, logins: 0 };
  const login = (p: string) => {
    db.logins++;
    if (p !== db.password) throw Object.assign(new Error('password authentication failed for user "app"'), { code: '28P01' });
    return 'connected';
  };
  return { db, login };
};
const isRotationError = (e: unknown) => (e as { code?: unknown }).code === '28P01';

const handlerFor = (id: string, login: (p: string) => string, rotation: Partial<Parameters<typeof withRotation>[1]> = {}) =>
  middy()
    .use(secrets({ client: clientFor(sm.endpoint), prefetch: false, fetch: { db: { id, schema: Db } } }))
    .handler(withRotation(async (_e: unknown, context) => login(context.secrets.db.password), { isRotationError, ...rotation }));

describe('withRotation', () => {
  it('after a rotation, the rejected password is fetched again (AWSCURRENT) and the handler retried once; later invocations use the new one', async () => {
    const id = uniq('rot/db');
    sm.setSecret(id, { username: 'app', password: 'Old-pa55-rot-1' });
    const { db, login } = database('Old-pa55-rot-1');
    const handler = handlerFor(id, login);
    expect(await handler({}, lambdaContextFor())).toBe('connected');
    // the rotation: a new AWSCURRENT, and the database accepts only it
    sm.setSecret(id, { username: 'app', password: 'New-pa55-rot-2' });
    db.password = 'New-pa55-rot-2';
    sm.calls.length = 0;
    expect(await handler({}, lambdaContextFor())).toBe('connected');
    expect(sm.calls.map((c) => [c.operation, c.body.VersionStage])).toEqual([['GetSecretValue', undefined]]);
    // the cache has the new value: no more calls, no more failures
    db.logins = 0;
    expect(await handler({}, lambdaContextFor())).toBe('connected');
    expect(db.logins).toBe(1);
    expect(sm.calls).toHaveLength(1);
  });

  it('pending: true: while AWSCURRENT still has the old value, AWSPENDING is tried', async () => {
    const id = uniq('rot/pending');
    sm.setSecret(id, { username: 'app', password: 'Cur-pa55-rot-3' });
    const { db, login } = database('Cur-pa55-rot-3');
    const handler = handlerFor(id, login, { pending: true });
    await handler({}, lambdaContextFor());
    // the rotation's setSecret step ran (the database has the pending password), finishSecret not yet
    sm.setSecret(id, { username: 'app', password: 'Pend-pa55-rot-4' }, { stage: 'AWSPENDING' });
    db.password = 'Pend-pa55-rot-4';
    sm.calls.length = 0;
    expect(await handler({}, lambdaContextFor())).toBe('connected');
    expect(sm.calls.map((c) => c.body.VersionStage)).toEqual([undefined, 'AWSPENDING']);
  });

  it('the original error is thrown when the value did not change, when the error is not a rotation error, or with no time left', async () => {
    const id = uniq('rot/same');
    sm.setSecret(id, { username: 'app', password: 'Same-pa55-rot-5' });
    const { login } = database('Some-other-password');
    const handler = handlerFor(id, login);
    await expect(handler({}, lambdaContextFor())).rejects.toThrow('password authentication failed');
    expect(sm.calls).toHaveLength(2); // the first fetch, and one refetch that gave the same value

    const other = middy()
      .use(secrets({ client: clientFor(sm.endpoint), prefetch: false, fetch: { db: { id, schema: Db } } }))
      .handler(withRotation(async () => Promise.reject(new Error('timeout talking to the database')), { isRotationError }));
    sm.calls.length = 0;
    await expect(other({}, lambdaContextFor())).rejects.toThrow('timeout talking to the database');
    expect(sm.calls).toHaveLength(1); // its own client's fetch in before; no refetch

    // a rotation error with less than the margin left: no refetch, no retry
    const rotated = uniq('rot/late');
    sm.setSecret(rotated, { username: 'app', password: 'Late-pa55-rot-6' });
    const late = handlerFor(rotated, database('Late-pa55-rot-7').login, { margin: 2000 });
    const context = contextWithin(1500); // secrets() fetches within it (its own 500 ms margin); 2000 ms are not left
    sm.calls.length = 0;
    await expect(late({}, context as never)).rejects.toThrow('password authentication failed');
    expect(sm.calls).toHaveLength(1);
  });

  it('options are checked', () => {
    expect(() => withRotation(async () => 1, {} as never)).toThrow('withRotation(): option "isRotationError" must be a function (error) => boolean');
    expect(() => withRotation(async () => 1, { isRotationError, margin: -1 })).toThrow(
      'withRotation(): option "margin" must be a number of milliseconds >= 0, got -1',
    );
  });
});
