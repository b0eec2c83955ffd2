// Every Secrets Manager wait is bounded by the invocation's remaining time (issue 17), through the real AWS SDK v3
// against the local endpoint: a request that never answers, throttling with 1 s left, a dropped connection, and a
// request given up that later invocations must not share.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { clearSecrets, pendingSecrets } from '@lambdaware/shared';
import { startSecretsManager, type LocalSecretsManager } from '@lambdaware/testkit';
import { SecretsError, getSecretValues, secrets } from '@lambdaware/secrets';
import { toSecretsError } from '../src/errors.js';
import { CREDENTIALS, REGION, clientFor, lambdaContextFor } from './helpers.js';

let sm: LocalSecretsManager;
beforeAll(async () => {
  sm = await startSecretsManager();
});
afterAll(async () => {
  await sm.close();
});
beforeEach(() => {
  sm.setFault();
  sm.calls.length = 0;
  clearSecrets();
});

let n = 0;
const uniq = (base: string) => `${base}-${++n}`;

/** A Lambda context whose deadline is `ms` from now. */
const contextWithin = (ms: number) => {
  const deadline = Date.now() + ms;
  return { ...lambdaContextFor(), getRemainingTimeInMillis: () => deadline - Date.now() };
};

const outcome = async (p: Promise<unknown>): Promise<{ error?: SecretsError; value?: unknown; ms: number }> => {
  const t0 = Date.now();
  try {
    const value = await p;
    return { value, ms: Date.now() - t0 };
  } catch (e) {
    return { error: e as SecretsError, ms: Date.now() - t0 };
  }
};

const handlerFor = (id: string, client: SecretsManagerClient, extra: Record<string, unknown> = {}) =>
  middy(async (_e: unknown, context) => context.secrets.s.v as string).use(secrets({ client, fetch: { s: id }, prefetch: false, cacheTtlMs: 0, ...extra }));

describe('a request that never answers', () => {
  it('fails with a Timeout naming the secret and the time left, before the deadline; later invocations make a new call', async () => {
    const id = uniq('hang');
    sm.setSecret(id, { v: 'after-the-hang' });
    sm.setFault({ delayMs: 60_000 }); // the first request hangs (for longer than any invocation)
    const handler = handlerFor(id, clientFor(sm.endpoint));
    const first = await outcome(handler({}, contextWithin(1500) as never));
    expect(first.error).toBeInstanceOf(SecretsError);
    expect(first.error).toMatchObject({ code: 'Timeout', secretId: id, key: 's' });
    expect(first.error!.message).toMatch(
      new RegExp(
        `^secret "${id}" \\(key "s"\\): no answer from Secrets Manager in \\d+ ms: gave up with \\d+ ms left before the invocation's deadline \\(margin 500 ms\\)`,
      ),
    );
    expect(first.ms).toBeLessThan(1500); // it failed within the invocation, not at the Lambda timeout
    // Secrets Manager is healthy again: the next two invocations each get the value through a new call
    expect(await handler({}, contextWithin(1500) as never)).toBe('after-the-hang');
    expect(await handler({}, contextWithin(1500) as never)).toBe('after-the-hang');
    expect(sm.calls.map((c) => c.outcome)).toEqual(['delay+ok', 'ok', 'ok']);
  });

  it('a shared request: a waiter with less time gives up alone, one with more time gets the value', async () => {
    const id = uniq('shared');
    sm.setSecret(id, { v: 'slow-but-there' });
    sm.setFault({ delayMs: 1200 });
    const client = clientFor(sm.endpoint);
    const short = outcome(getSecretValues(id, undefined, { client, context: contextWithin(700), cacheTtlMs: 0 }));
    const long = outcome(getSecretValues(id, undefined, { client, context: contextWithin(5000) }));
    const [a, b] = await Promise.all([short, long]);
    expect(a.error).toMatchObject({ code: 'Timeout', secretId: id });
    expect(b.value).toEqual({ v: 'slow-but-there' });
    expect(sm.calls).toHaveLength(1); // the longer waiter kept the one request alive
  });

  it('with no time left, nothing is started: a Timeout saying so', async () => {
    const id = uniq('no-time');
    sm.setSecret(id, { v: 'never-asked' });
    const r = await outcome(getSecretValues(id, undefined, { client: clientFor(sm.endpoint), context: contextWithin(300) }));
    expect(r.error).toMatchObject({ code: 'Timeout', secretId: id });
    expect(r.error!.message).toContain('not fetched');
    expect(sm.calls).toHaveLength(0);
  });

  it('getSecretValues without a context gives up after timeoutMs', async () => {
    const id = uniq('timeout-ms');
    sm.setSecret(id, { v: 'x-timeout-ms' });
    sm.setFault({ delayMs: 60_000 });
    const r = await outcome(getSecretValues(id, undefined, { client: clientFor(sm.endpoint), timeoutMs: 300 }));
    expect(r.error).toMatchObject({ code: 'Timeout', secretId: id });
    expect(r.error!.message).toContain("getSecretValues' timeoutMs (300 ms)");
  });
});

describe('throttling and dropped connections', () => {
  it('throttled with 1 s left: the SDK retries with its own backoff, the wait still ends before the deadline', async () => {
    const id = uniq('throttled');
    sm.setSecret(id, { v: 'x-throttled' });
    sm.setFault({ error: 'ThrottlingException', times: Infinity });
    // the SDK's default retry strategy (3 attempts, exponential backoff with jitter), as a user gets it
    const client = new SecretsManagerClient({ endpoint: sm.endpoint, region: REGION, credentials: CREDENTIALS });
    for (let i = 0; i < 3; i++) {
      const r = await outcome(handlerFor(id, client)({}, contextWithin(1000) as never));
      expect(r.ms).toBeLessThan(1000);
      // either the retries ran out first (Throttled) or the bound did (Timeout): never past the deadline
      expect(['Throttled', 'Timeout']).toContain(r.error!.code);
      expect(r.error!.secretId).toBe(id);
    }
  });

  it('a dropped connection (ECONNRESET) is a Network error, not a Timeout', async () => {
    const id = uniq('dropped');
    sm.setSecret(id, { v: 'x-dropped' });
    sm.setFault({ drop: true, times: Infinity });
    const r = await outcome(getSecretValues(id, undefined, { client: clientFor(sm.endpoint, { maxAttempts: 2 }), context: contextWithin(5000) }));
    expect(r.error).toMatchObject({ code: 'Network', secretId: id });
    expect(String((r.error!.cause as Error).message)).toContain('socket hang up');
  });

  it('classified by what happened: the SDK names ECONNRESET/EPIPE errors TimeoutError, they are Network', () => {
    const sdk = (props: Record<string, unknown>, message = 'x') => Object.assign(new Error(message), props);
    expect(toSecretsError('s', sdk({ name: 'TimeoutError', code: 'ECONNRESET' }, 'read ECONNRESET')).code).toBe('Network');
    expect(toSecretsError('s', sdk({ name: 'TimeoutError', code: 'EPIPE' })).code).toBe('Network');
    expect(toSecretsError('s', sdk({}, 'AWS SDK error wrapper for TimeoutError: read ECONNRESET')).code).toBe('Network');
    expect(toSecretsError('s', sdk({ name: 'TimeoutError', code: 'ETIMEDOUT' })).code).toBe('Timeout');
    expect(toSecretsError('s', sdk({ name: 'TimeoutError' }, 'Connection timed out after 1000 ms')).code).toBe('Timeout');
  });
});

describe('the prefetch at creation', () => {
  it('is bounded by prefetchTimeout; the first invocation then fetches again within its own bound; both tracked', async () => {
    const id = uniq('prefetch-hang');
    sm.setSecret(id, { v: 'after-prefetch-hang' });
    sm.setFault({ delayMs: 60_000 });
    const handler = middy(async (_e: unknown, context) => context.secrets.s.v as string).use(
      secrets({ client: clientFor(sm.endpoint), fetch: { s: id }, prefetchTimeout: 300 }),
    );
    // the prefetch is a tracked load: a line written now (the cold-start event line) can wait for it
    const pending = pendingSecrets();
    expect(pending).toBeInstanceOf(Promise);
    await pending;
    expect(await handler({}, contextWithin(3000) as never)).toBe('after-prefetch-hang');
    expect(sm.calls.map((c) => c.outcome)).toEqual(['delay+ok', 'ok']);
  });

  it('the first invocation waits for the prefetch no longer than its own bound', async () => {
    const id = uniq('prefetch-slow');
    sm.setSecret(id, { v: 'slow-prefetch' });
    sm.setFault({ delayMs: 60_000 });
    const handler = middy(async (_e: unknown, context) => context.secrets.s.v as string).use(secrets({ client: clientFor(sm.endpoint), fetch: { s: id } }));
    const r = await outcome(handler({}, contextWithin(1000) as never));
    expect(r.error).toMatchObject({ code: 'Timeout', secretId: id, key: 's' });
    expect(r.ms).toBeLessThan(1000);
    // the prefetch's request still hangs (until its own 9 s bound): the next invocation does not wait on it
    expect(await handler({}, contextWithin(1000) as never)).toBe('slow-prefetch');
    expect(sm.calls.map((c) => c.outcome)).toEqual(['delay+ok', 'ok']);
  });

  it('options are checked', () => {
    expect(() => secrets({ fetch: { s: 'x' }, fetchMargin: -1, prefetch: false })).toThrow(
      'secrets(): option "fetchMargin" must be a number of milliseconds >= 0, got -1',
    );
    expect(() => secrets({ fetch: { s: 'x' }, prefetchTimeout: 0, prefetch: false })).toThrow(
      'secrets(): option "prefetchTimeout" must be a number of milliseconds >= 1',
    );
  });
});

describe('a context that gives no remaining time', () => {
  it('still bounds the fetch (10 s), and says so', async () => {
    // the one fallback of @lambdaware/shared's deadlineOf (NO_CLOCK_MS), no copy of its own
    const { invocationBoundOf } = await import('../src/bound.js');
    const now = 1_000_000;
    expect(invocationBoundOf({}, 500, now)).toEqual({ deadline: now + 10_000, margin: 0, source: '10000 ms (the context has no getRemainingTimeInMillis)' });
    expect(
      invocationBoundOf(
        {
          getRemainingTimeInMillis: () => {
            throw new Error('x');
          },
        },
        500,
        now,
      ).deadline,
    ).toBe(now + 10_000);
    expect(invocationBoundOf({ getRemainingTimeInMillis: () => 3000 }, 500, now)).toEqual({
      deadline: now + 2500,
      margin: 500,
      source: "the invocation's deadline",
    });
  });
});

describe('concurrent invocations (as under Lambda Managed Instances)', () => {
  it('8 invocations share one slow request: each ends by its own deadline, those with time get the value', async () => {
    const id = uniq('concurrent');
    sm.setSecret(id, { v: 'shared-value' });
    sm.setFault({ delayMs: 900 });
    const handler = handlerFor(id, clientFor(sm.endpoint));
    const budgets = [700, 800, 1000, 1200, 2000, 2500, 3000, 4000]; // minus the 500 ms margin: 200..3500 ms to wait
    const results = await Promise.all(budgets.map((ms) => outcome(handler({}, contextWithin(ms) as never)).then((r) => ({ ...r, ms: r.ms, budget: ms }))));
    for (const r of results) {
      expect(r.ms).toBeLessThan(r.budget);
      if (r.budget - 500 < 900) expect(r.error).toMatchObject({ code: 'Timeout', secretId: id });
      else if (r.budget - 500 > 1400) expect(r.value).toBe('shared-value');
    }
    expect(sm.calls).toHaveLength(1);
  });
});
