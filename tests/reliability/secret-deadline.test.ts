// Secrets Manager waits bounded by the invocation's deadline (issue 17), through the real Lambda runtime client and
// the real AWS SDK (default client, default retries) against the local endpoint: a request that never answers, a
// throttled endpoint with a 1 s function timeout, a dropped connection. Each invocation ends with a SecretsError
// naming the secret (never "Task timed out"); a request given up is not shared by the next invocations, which make
// new calls and succeed once the endpoint is healthy.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { invoke, type InvocationResult } from '@lambdaware/cli';
import { startSecretsManager, type LocalSecretsManager } from '@lambdaware/testkit';
import { count, summary } from './helpers.js';

const THROTTLED_RUNS = count(3, 20);

const fixture = fileURLToPath(new URL('./fixtures/secret-deadline.mjs', import.meta.url));
let sm: LocalSecretsManager;
let arn: string;
beforeAll(async () => {
  sm = await startSecretsManager();
  arn = sm.setSecret('deadline/api', { token: 'tok-deadline-5e4d3c2b1a' });
});
afterAll(async () => {
  await sm.close();
});

const errorLine = (inv: InvocationResult) =>
  inv.functionLines
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: string; error?: { values?: Record<string, unknown> } })
    .find((l) => l.level === 'ERROR');

test('a request that never answers: a Timeout before the 2 s deadline, then new calls that succeed', async () => {
  sm.setFault({ delayMs: 60_000 }); // the first request (the prefetch at init) hangs; Secrets Manager is healthy after
  sm.calls.length = 0;
  const run = await invoke({ handler: `${fixture}#handler`, events: [{}, {}, {}], env: { ...sm.env, SECRET_ARN: arn }, timeout: 2 });
  const [first, second, third] = run.invocations;
  expect(first!.status).toBe('error');
  expect(first!.error).toMatchObject({ errorType: 'SecretsError' });
  expect(first!.error!.errorMessage).toMatch(
    /^secret "arn:[^"]+" \(key "api"\): no answer from Secrets Manager in \d+ ms: gave up with \d+ ms left before the invocation's deadline/,
  );
  expect(errorLine(first!)?.error?.values).toMatchObject({ secretErrorCode: 'Timeout', secretKey: 'api' });
  expect(second!.status).toBe('success');
  expect(third!.status).toBe('success');
  expect(sm.calls.map((c) => c.outcome)).toEqual(['delay+ok', 'ok', 'ok']);
  summary(
    'secrets-deadline hung',
    `first invocation failed with Timeout ${Math.round(first!.report.durationMs)} ms after start, function timeout 2000 ms, the next 2 made new calls and succeeded`,
    'pass',
    0,
  );
}, 60_000);

test(
  'throttled with a 1 s function timeout: a SecretsError before the deadline, every run',
  async () => {
    sm.setFault({ error: 'ThrottlingException', times: Infinity });
    const started = Date.now();
    let worst = 0;
    const codes: Record<string, number> = {};
    try {
      for (let i = 0; i < THROTTLED_RUNS; i++) {
        const run = await invoke({ handler: `${fixture}#handler`, event: {}, env: { ...sm.env, SECRET_ARN: arn }, timeout: 1 });
        const inv = run.invocations[0]!;
        expect(inv.status).toBe('error');
        expect(inv.error).toMatchObject({ errorType: 'SecretsError' });
        const code = String(errorLine(inv)?.error?.values?.secretErrorCode);
        expect(['Throttled', 'Timeout']).toContain(code);
        codes[code] = (codes[code] ?? 0) + 1;
        worst = Math.max(worst, inv.report.durationMs);
      }
    } finally {
      sm.setFault();
    }
    summary(
      'secrets-deadline throttled',
      `${THROTTLED_RUNS} runs with a 1000 ms function timeout: every one a SecretsError (${Object.entries(codes)
        .map(([c, n]) => `${c} ${n}`)
        .join(', ')}), worst ${Math.round(worst)} ms`,
      'pass',
      Date.now() - started,
    );
  },
  30_000 + THROTTLED_RUNS * 5_000,
);

test('a dropped connection: Network, not Timeout', async () => {
  sm.setFault({ drop: true, times: Infinity });
  try {
    const run = await invoke({ handler: `${fixture}#handler`, event: {}, env: { ...sm.env, SECRET_ARN: arn }, timeout: 3 });
    const inv = run.invocations[0]!;
    expect(inv.status).toBe('error');
    expect(errorLine(inv)?.error?.values).toMatchObject({ secretErrorCode: 'Network', secretKey: 'api' });
    summary(
      'secrets-deadline dropped',
      `connection reset on every attempt: Network in ${Math.round(inv.report.durationMs)} ms, function timeout 3000 ms`,
      'pass',
      0,
    );
  } finally {
    sm.setFault();
  }
}, 60_000);
