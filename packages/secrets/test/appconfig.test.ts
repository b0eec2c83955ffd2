// AppConfig in the secrets() model (issue 21), through the real @aws-sdk/client-appconfigdata against the testkit's
// local AppConfig Data endpoint: one session, its token kept, polled on the interval the service returns, an empty
// answer read as unchanged, JSON / text / YAML-as-text profiles, and a slow or failing poll that never blocks or
// fails an invocation once a value is there.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import { AppConfigDataClient } from '@aws-sdk/client-appconfigdata';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { z } from 'zod';
import { clearSecrets, redactString, setLogSink, type LogSink } from '@lambdaware/shared';
import { startAppConfig, type LocalAppConfig } from '@lambdaware/testkit';
import { SecretsError, secrets } from '@lambdaware/secrets';
import { CREDENTIALS, REGION, contextWithin, lambdaContextFor, sleep } from './helpers.js';

let ac: LocalAppConfig;
const warnings: string[] = [];
const sink: LogSink = { log: (level, message) => void (level === 'warn' && warnings.push(message)) };
beforeAll(async () => {
  ac = await startAppConfig();
  setLogSink(sink);
});
afterAll(async () => {
  setLogSink(undefined);
  await ac.close();
});
beforeEach(() => {
  ac.setFault();
  ac.setPollInterval(60);
  ac.calls.length = 0;
  warnings.length = 0;
  clearSecrets();
});

const client = () =>
  new AppConfigDataClient({ endpoint: ac.endpoint, region: REGION, credentials: CREDENTIALS, retryStrategy: new ConfiguredRetryStrategy(2, () => 5) });
let n = 0;
const app = () => `orders-${++n}`;
/** Resolves once the endpoint got no new call for 100 ms (a poll started in the background has answered). */
const quiet = async () => {
  let seen = -1;
  while (seen !== ac.calls.length) {
    seen = ac.calls.length;
    await sleep(100);
  }
};
const Flags = z.object({ checkout: z.object({ enabled: z.boolean() }), limit: z.number() });

describe('a JSON profile (feature flags)', () => {
  it('one session; polled only when the interval returned has passed; an empty answer keeps the value', async () => {
    const a = app();
    ac.setConfiguration(a, 'prod', 'flags', { checkout: { enabled: true }, limit: 5 });
    ac.setPollInterval(0); // every invocation may poll (AWS says >= 15 s; the local endpoint lets a test say 0)
    const handler = middy(async (_e: unknown, c) => [c.secrets.flags.checkout.enabled, c.secrets.flags.limit]).use(
      secrets({
        appConfigClient: client(),
        prefetch: false,
        fetch: { flags: { appConfig: { application: a, environment: 'prod', profile: 'flags' }, schema: Flags } },
      }),
    );
    expect(await handler({}, lambdaContextFor())).toEqual([true, 5]);
    expect(await handler({}, lambdaContextFor())).toEqual([true, 5]); // a poll starts, the value it has is served
    await quiet(); // that poll answers: unchanged (an empty answer)
    ac.setConfiguration(a, 'prod', 'flags', { checkout: { enabled: false }, limit: 7 });
    expect(await handler({}, lambdaContextFor())).toEqual([true, 5]); // polls; served the value it had meanwhile
    await quiet();
    expect(await handler({}, lambdaContextFor())).toEqual([false, 7]);
    await quiet();
    expect(ac.callsOf('StartConfigurationSession')).toHaveLength(1);
    const polls = ac.callsOf('GetLatestConfiguration');
    expect(polls.map((c) => c.outcome).slice(0, 3)).toEqual(['ok', 'unchanged', 'ok']);
    // each poll used the token the previous answer gave (a token is good for one call)
    expect(new Set(polls.map((c) => c.body.token)).size).toBe(polls.length);
    // configuration is not secret: nothing of it masked
    expect(redactString('limit 7')).toBe('limit 7');
  });

  it('within the interval the service returned, no call at all', async () => {
    const a = app();
    ac.setConfiguration(a, 'prod', 'flags', { checkout: { enabled: true }, limit: 1 });
    const handler = middy(async (_e: unknown, c) => c.secrets.flags.limit).use(
      secrets({ appConfigClient: client(), prefetch: false, fetch: { flags: { appConfig: { application: a, environment: 'prod', profile: 'flags' } } } }),
    );
    for (let i = 0; i < 3; i++) expect(await handler({}, lambdaContextFor())).toBe(1);
    expect(ac.calls.map((c) => c.operation)).toEqual(['StartConfigurationSession', 'GetLatestConfiguration']);
  });
});

describe('text and YAML profiles', () => {
  it('a YAML profile is text: the schema parses it', async () => {
    const a = app();
    ac.setConfiguration(a, 'prod', 'yaml', 'limit: 9\nregion: eu-west-1\n', 'application/x-yaml');
    const FromYaml = z.string().transform((text) =>
      Object.fromEntries(
        text
          .trim()
          .split('\n')
          .map((l) => l.split(': ') as [string, string]),
      ),
    );
    const handler = middy(async (_e: unknown, c) => c.secrets.cfg).use(
      secrets({
        appConfigClient: client(),
        prefetch: false,
        fetch: { cfg: { appConfig: { application: a, environment: 'prod', profile: 'yaml' }, schema: FromYaml } },
      }),
    );
    expect(await handler({}, lambdaContextFor())).toEqual({ limit: '9', region: 'eu-west-1' });
  });
});

describe('failures', () => {
  it('the first fetch fails: a SecretsError naming the profile and what went wrong', async () => {
    const a = app();
    const handler = middy(async () => 'ok').use(
      secrets({ appConfigClient: client(), prefetch: false, fetch: { flags: { appConfig: { application: a, environment: 'prod', profile: 'missing' } } } }),
    );
    const e = (await handler({}, lambdaContextFor()).catch((x: unknown) => x)) as SecretsError;
    expect(e).toBeInstanceOf(SecretsError);
    expect(e).toMatchObject({ code: 'NotFound', secretId: `${a}/prod/missing`, key: 'flags', kind: 'configuration' });
    expect(e.message).toMatch(new RegExp(`^configuration "${a}/prod/missing" \\(key "flags"\\): not found`));
  });

  it('throttled, access denied: named, with what went wrong', async () => {
    const a = app();
    ac.setConfiguration(a, 'prod', 'flags', { limit: 1 });
    const run = () =>
      middy(async () => 'ok')
        .use(
          secrets({ appConfigClient: client(), prefetch: false, fetch: { flags: { appConfig: { application: a, environment: 'prod', profile: 'flags' } } } }),
        )({}, lambdaContextFor())
        .catch((x: unknown) => x as SecretsError);
    ac.setFault({ operation: 'StartConfigurationSession', error: 'ThrottlingException', message: 'Rate exceeded', times: Infinity });
    const throttled = await run();
    expect(throttled).toMatchObject({ code: 'Throttled', secretId: `${a}/prod/flags`, kind: 'configuration' });
    expect((throttled as SecretsError).message).toContain('throttled by AppConfig after 2 attempts (ThrottlingException: Rate exceeded)');
    ac.setFault({ error: 'AccessDeniedException', message: 'not authorized to perform appconfig:StartConfigurationSession', times: Infinity });
    const denied = await run();
    expect(denied).toMatchObject({ code: 'AccessDenied', kind: 'configuration' });
    expect((denied as SecretsError).message).toContain(
      'access denied (the function needs appconfig:StartConfigurationSession and appconfig:GetLatestConfiguration on it)',
    );
  });

  it('the first fetch hangs: a Timeout before the deadline', async () => {
    const a = app();
    ac.setConfiguration(a, 'prod', 'flags', { limit: 1 });
    ac.setFault({ operation: 'GetLatestConfiguration', delayMs: 60_000 });
    const handler = middy(async () => 'ok').use(
      secrets({ appConfigClient: client(), prefetch: false, fetch: { flags: { appConfig: { application: a, environment: 'prod', profile: 'flags' } } } }),
    );
    const e = (await handler({}, contextWithin(1200) as never).catch((x: unknown) => x)) as SecretsError;
    expect(e).toMatchObject({ code: 'Timeout', kind: 'configuration', key: 'flags' });
    expect(e.message).toMatch(/no answer from AppConfig in \d+ ms: gave up with \d+ ms left before the invocation's deadline/);
    // the next invocation starts a new session and gets the value
    expect(await handler({}, contextWithin(3000) as never)).toBe('ok');
  });

  it('once a value is there, a hung or failing poll never blocks or fails an invocation (one warn line)', async () => {
    const a = app();
    ac.setConfiguration(a, 'prod', 'flags', { checkout: { enabled: true }, limit: 3 });
    ac.setPollInterval(0);
    const handler = middy(async (_e: unknown, c) => c.secrets.flags.limit).use(
      secrets({ appConfigClient: client(), prefetch: false, fetch: { flags: { appConfig: { application: a, environment: 'prod', profile: 'flags' } } } }),
    );
    expect(await handler({}, contextWithin(3000) as never)).toBe(3);
    ac.setFault({ operation: 'GetLatestConfiguration', delayMs: 60_000 });
    // the poll hangs: this invocation (1 s) is served the value it has, at once
    expect(await handler({}, contextWithin(1000) as never)).toBe(3);
    ac.setFault({ operation: 'GetLatestConfiguration', error: 'InternalServerException', times: Infinity });
    await sleep(600); // the hung poll is given up at that invocation's deadline
    expect(await handler({}, contextWithin(3000) as never)).toBe(3);
    await quiet();
    expect(warnings.some((w) => w.includes(`configuration "${a}/prod/flags"`) && w.includes('serving the configuration received'))).toBe(true);
  });

  it('a bad spec is refused at creation, naming the option', () => {
    expect(() => secrets({ prefetch: false, fetch: { f: { appConfig: { application: 'a', environment: 'e' } } as never } })).toThrow(
      'secrets(): option "fetch.f.appConfig" must be { application, environment, profile } (names or ids)',
    );
    expect(() =>
      secrets({ prefetch: false, fetch: { f: { appConfig: { application: 'a', environment: 'e', profile: 'p' }, minPollIntervalSeconds: 5 } } }),
    ).toThrow('option "fetch.f.minPollIntervalSeconds" must be a number of seconds >= 15, got 5');
  });
});

describe('cacheTtlMs does not apply to AppConfig', () => {
  it('with cacheTtlMs: Infinity the profile is still polled on its interval', async () => {
    const a = app();
    ac.setConfiguration(a, 'prod', 'flags', { limit: 1 });
    ac.setPollInterval(0);
    const handler = middy(async (_e: unknown, c) => c.secrets.flags.limit).use(
      secrets({
        appConfigClient: client(),
        prefetch: false,
        cacheTtlMs: Infinity,
        fetch: { flags: { appConfig: { application: a, environment: 'prod', profile: 'flags' } } },
      }),
    );
    expect(await handler({}, lambdaContextFor())).toBe(1);
    ac.setConfiguration(a, 'prod', 'flags', { limit: 2 });
    await handler({}, lambdaContextFor()); // a poll starts
    await quiet();
    expect(await handler({}, lambdaContextFor())).toBe(2);
    await quiet();
  });
});
