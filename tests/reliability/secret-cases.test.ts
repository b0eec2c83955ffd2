// Issue 14's cases through the real Lambda runtime client (aws-lambda-ric, driven by `lambdaware invoke`), with the
// secrets fetched by the real AWS SDK from the local Secrets Manager endpoint: a thrown error carrying the token in
// nested properties (an HTTP client's config headers), in a property, in an assigned cause, in AggregateError
// members; a thrown string and a thrown plain object; the RDS scenario (schema `{ password }`) and a flags secret
// holding "true" and "5432". Nothing the runtime writes (its `Invoke Error` line, the function's lines) nor the error
// body returned to the caller holds a secret; every line is JSON; what is not secret is written intact.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { invoke, type InvocationResult } from '@lambdaware/cli';
import { errorLog } from '@lambdaware/errors';
import { logContext } from '@lambdaware/logger';
import { clearSecrets, registerSecret, setLogSink, trackSecretLoad } from '@lambdaware/shared';
import { lambdaContext } from '@lambdaware/events';
import { startSecretsManager, type LocalSecretsManager } from '@lambdaware/testkit';
import { formsOf } from './helpers.js';

const TOKEN = 'tok-ric-8d7c6b5a4f';
const PASSWORD = 'Rds-pw-3e2d1c0b9a';
const FUNCTION = 'orders-api';
const fixture = fileURLToPath(new URL('./fixtures/secret-cases.mjs', import.meta.url));
const CASES = ['http-client', 'token-property', 'assigned-cause', 'aggregate', 'rds', 'string', 'object'] as const;

let sm: LocalSecretsManager;
let env: Record<string, string>;
let results: Map<string, InvocationResult>;

/**
 * errorLog assigns redactThrown's result back to request.error (a thrown string cannot be masked in place): the
 * errors/sentry work of issue 14. Probed by behaviour, in process, with a value registered only for the probe.
 */
const errorLogMasksThrownStrings = async (): Promise<boolean> => {
  const probe = 'probe-value-for-errorlog';
  registerSecret(probe);
  setLogSink({ log: () => undefined });
  try {
    const request = { event: {}, context: lambdaContext(), response: undefined, error: `x ${probe}` as unknown, internal: {} };
    await errorLog().onError!(request as never);
    return request.error !== `x ${probe}`;
  } finally {
    setLogSink(undefined);
    clearSecrets();
  }
};

/** logContext's `before` waits for a secret load in flight before the event line (the logger work of issue 14). */
const logContextWaitsForLoads = async (): Promise<boolean> => {
  let release!: () => void;
  const load = new Promise<void>((r) => (release = r));
  trackSecretLoad(load);
  setLogSink({ log: () => undefined });
  const original = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    const before = Promise.resolve(
      logContext({ logEvent: true }).before!({ event: {}, context: lambdaContext(), response: undefined, error: undefined, internal: {} } as never),
    );
    const first = await Promise.race([before.then(() => 'before'), new Promise((r) => setTimeout(() => r('timer'), 100))]);
    release();
    await before;
    return first === 'timer';
  } finally {
    process.stdout.write = original;
    setLogSink(undefined);
  }
};

let gates: { thrownStrings: boolean; coldStart: boolean };

beforeAll(async () => {
  gates = { thrownStrings: await errorLogMasksThrownStrings(), coldStart: await logContextWaitsForLoads() };
  sm = await startSecretsManager();
  env = {
    ...sm.env,
    API_SECRET_ARN: sm.setSecret('ric/api', { token: TOKEN }),
    DB_SECRET_ARN: sm.setSecret('ric/orders-db', {
      username: 'admin',
      password: PASSWORD,
      engine: 'postgres',
      host: 'localhost',
      port: 5432,
      dbname: 'orders',
    }),
    FLAGS_SECRET_ARN: sm.setSecret('ric/flags', { enabled: 'true', port: '5432' }),
    POWERTOOLS_SERVICE_NAME: 'orders',
  };
  const run = await invoke({
    handler: `${fixture}#handler`,
    events: [{ case: 'none' }, ...CASES.map((c) => ({ case: c }))],
    env,
    functionName: FUNCTION,
    timeout: 10,
  });
  results = new Map(run.invocations.map((inv, i) => [i === 0 ? 'none' : CASES[i - 1]!, inv]));
}, 60_000);
afterAll(async () => {
  await sm.close();
});

const leaksIn = (text: string): string[] => [TOKEN, PASSWORD].flatMap((s) => formsOf(s)).filter((f) => text.includes(f));

/** The JSON part of each line that has one (the runtime's text lines carry JSON after a tab). */
const jsonLines = (inv: InvocationResult): { text: string; parsed: unknown; ok: boolean }[] =>
  inv.functionLines
    .filter((l) => l.includes('{'))
    .map((l) => {
      const text = l.slice(l.indexOf('{'));
      try {
        return { text, parsed: JSON.parse(text) as unknown, ok: true };
      } catch {
        return { text, parsed: undefined, ok: false };
      }
    });

const orderLine = (inv: InvocationResult) =>
  jsonLines(inv)
    .map((l) => l.parsed as Record<string, unknown>)
    .find((l) => l?.message === 'order');

describe('every invocation: no secret anywhere, every line JSON, what is not secret intact', () => {
  test.each(['none', ...CASES])('%s', (name) => {
    if ((name === 'string' || name === 'object') && !gates.thrownStrings) return; // see the gated tests below
    const inv = results.get(name)!;
    expect(inv).toBeDefined();
    expect(leaksIn(`${inv.logs.join('\n')}\n${inv.payload}`)).toEqual([]);
    const lines = jsonLines(inv);
    expect(lines.filter((l) => !l.ok).map((l) => l.text)).toEqual([]);
    // the RDS secret's other fields and the "true"/"5432" secrets never mask what is not exactly them
    expect(orderLine(inv)).toMatchObject({
      level: 'INFO',
      orderId: 'ord-admin-1',
      total: 154320,
      engine: 'postgres',
      service: 'orders',
      function_name: FUNCTION,
      function_arn: expect.stringContaining(`:function:${FUNCTION}`),
      cold_start: name === 'none',
      // the flags secret's string values: masked where a string is exactly them; the number 5432 is not "5432"
      port: 5432,
      portText: '****',
      enabled: '****',
    });
    if (name !== 'none') expect(inv.status).toBe('error');
  });
});

describe('what the caller gets back', () => {
  test('the thrown errors keep their message where it holds no secret', () => {
    expect(results.get('http-client')!.error).toMatchObject({ errorType: 'Error', errorMessage: 'Request failed with status code 401' });
    expect(results.get('aggregate')!.error).toMatchObject({ errorType: 'AggregateError', errorMessage: 'every attempt failed' });
    expect(results.get('rds')!.error).toMatchObject({ errorMessage: 'negative total for ord-admin-7 (connected with ****)' });
    // the runtime's Invoke Error line printed the nested properties, masked, not dropped
    const invokeError = results.get('http-client')!.functionLines.find((l) => l.includes('Invoke Error'))!;
    expect(invokeError).toContain('"Authorization":"Bearer ****"');
    expect(results.get('token-property')!.functionLines.find((l) => l.includes('Invoke Error'))).toContain('"token":"****"');
  });

  test("a thrown string and a thrown plain object come back masked (needs errorLog to assign redactThrown's result)", () => {
    if (!gates.thrownStrings) {
      console.warn('secret-cases: errorLog on this branch masks thrown errors in place only: thrown string/object not checked');
      return;
    }
    expect(results.get('string')!.error).toMatchObject({ errorType: 'string', errorMessage: 'bad token ****' });
    expect(leaksIn(results.get('object')!.payload)).toEqual([]);
  });
});

test('cold start with logEvent: true, the event carrying the token: the event line waits for the secrets (needs the logger to await pendingSecrets)', async () => {
  if (!gates.coldStart) {
    console.warn('secret-cases: logContext on this branch does not wait for secret loads: cold-start event line not checked');
    return;
  }
  for (let round = 0; round < 3; round++) {
    const run = await invoke({
      handler: `${fixture}#logsEvent`,
      event: { case: 'none', headers: { authorization: `Bearer ${TOKEN}` } },
      env,
      functionName: FUNCTION,
      timeout: 10,
    });
    const inv = run.invocations[0]!;
    expect(inv.cold).toBe(true);
    expect(leaksIn(inv.logs.join('\n'))).toEqual([]);
    const eventLine = jsonLines(inv).find((l) => JSON.stringify(l.parsed).includes('authorization'));
    expect(eventLine?.ok).toBe(true);
    expect(eventLine!.text).toContain('Bearer ****');
  }
}, 60_000);
