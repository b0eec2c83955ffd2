// Issue 20, through the real Lambda runtime client and the real AWS SDK against the local Secrets Manager: a
// prefetch that hangs (its request never answers) fails at most the invocation that waited for it, with or without
// the logger's event line (which waits for secret loads in flight); the next invocations, whose own fetch succeeds,
// succeed. The first one's Timeout states the time the request actually went unanswered.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { invoke } from '@lambdaware/cli';
import { startSecretsManager, type LocalSecretsManager } from '@lambdaware/testkit';
import { summary } from './helpers.js';

const fixture = fileURLToPath(new URL('./fixtures/hung-prefetch.mjs', import.meta.url));
let sm: LocalSecretsManager;
let arn: string;
beforeAll(async () => {
  sm = await startSecretsManager();
  arn = sm.setSecret('hung/api', { token: 'tok-hung-prefetch-7c6b5a' });
});
afterAll(async () => {
  await sm.close();
});

test.each([
  ['without the event line', '0'],
  ['with logContext({ logEvent: true })', '1'],
])(
  'a hung prefetch (%s): the later invocations succeed',
  async (name, logEvent) => {
    sm.setFault({ delayMs: 60_000 }); // the prefetch's request hangs; Secrets Manager is healthy after it
    sm.calls.length = 0;
    const started = Date.now();
    const run = await invoke({ handler: `${fixture}#handler`, events: [{}, {}, {}], env: { ...sm.env, SECRET_ARN: arn, LOG_EVENT: logEvent }, timeout: 3 });
    const [first, second, third] = run.invocations;
    expect(first!.status).toBe('error');
    expect(first!.error).toMatchObject({ errorType: 'SecretsError' });
    const said = Number(/no answer from Secrets Manager in (\d+) ms/.exec(first!.error!.errorMessage)?.[1]);
    // the time the request went unanswered: at least the invocation's wait (3 s less the 500 ms margin), not "2 ms"
    expect(said).toBeGreaterThanOrEqual(2000);
    expect(second!.status).toBe('success');
    expect(third!.status).toBe('success');
    expect(sm.calls.map((c) => c.outcome)).toEqual(['delay+ok', 'ok']);
    summary(
      `hung-prefetch ${name}`,
      `#0 ${first!.error!.errorMessage.replace(/^secret "[^"]+" \(key "api"\): /, '').slice(0, 140)}…; #1 and #2 succeeded`,
      'pass',
      Date.now() - started,
    );
  },
  60_000,
);
