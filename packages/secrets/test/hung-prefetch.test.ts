// Issue 20: a prefetch that hangs never fails a later invocation whose own fetch would succeed, with or without the
// logger's event line (which waits for secret loads in flight); the Timeout states the time actually waited. The
// real AWS SDK against the local Secrets Manager endpoint, the real logger.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import { clearSecrets, pendingSecrets, secretLoadsGivenUp } from '@lambdaware/shared';
import { EVENT_WITHHELD } from '@lambdaware/logger';
import { logContext } from '@lambdaware/logger';
import { captureOutput, startSecretsManager, type LocalSecretsManager } from '@lambdaware/testkit';
import { SecretsError, secrets } from '@lambdaware/secrets';
import { clientFor, contextWithin, uniqueNames } from './helpers.js';

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

const uniq = uniqueNames((n) => `%s-${n}`);

const lastEventLine: { line?: Record<string, unknown> } = {};
const run = async (handler: (e: unknown, c: never) => Promise<unknown>) => {
  const out = await captureOutput(() => handler({}, contextWithin(1500) as never));
  lastEventLine.line = out.stdoutLines().find((l) => l.message === 'Lambda invocation event');
  return out.error !== undefined ? { error: out.error as SecretsError } : { value: out.result };
};

describe.each([
  ['without the event line', false],
  ['with logContext({ logEvent: true })', true],
])('the prefetch hangs (%s)', (_name, logEvent) => {
  it('the first invocation fails with a Timeout stating the time waited; the next ones make their own calls and succeed', async () => {
    const id = uniq('hung-prefetch');
    sm.setSecret(id, { v: 'healthy-again' });
    sm.setFault({ delayMs: 60_000 }); // only the prefetch's request hangs
    const m = middy(async (_e: unknown, context) => context.secrets.s.v as string);
    if (logEvent) m.use(logContext({ logEvent: true }));
    const handler = m.use(secrets({ client: clientFor(sm.endpoint), fetch: { s: id }, prefetchTimeout: 5000 }));

    const first = await run(handler as never);
    expect(first.error).toBeInstanceOf(SecretsError);
    expect(first.error).toMatchObject({ code: 'Timeout', secretId: id, key: 's' });
    // the number is the time the request went unanswered (since init), never the few ms left to secrets()
    const said = Number(/no answer from Secrets Manager in (\d+) ms/.exec(first.error!.message)?.[1]);
    expect(said).toBeGreaterThanOrEqual(900); // the invocation alone waited 1000 ms (1500 less the margin)
    // the hung request is no longer a pending load: no later line waits for it
    expect(pendingSecrets()).toBeUndefined();
    // but it is still in flight (until prefetchTimeout): its late answer may register a secret
    expect(secretLoadsGivenUp()).toBe(true);

    expect(await run(handler as never)).toEqual({ value: 'healthy-again' });
    // so the next event line withholds the event, without waiting for it
    if (logEvent) expect(lastEventLine.line).toMatchObject({ event: EVENT_WITHHELD, waitedMs: 0 });
    expect(await run(handler as never)).toEqual({ value: 'healthy-again' });
    expect(sm.calls.map((c) => c.outcome)).toEqual(['delay+ok', 'ok']);
  });
});
