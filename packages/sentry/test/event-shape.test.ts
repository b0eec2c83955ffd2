// The light reporter's event (no app client) has the shape of the official SDK's event for the same failure:
// @sentry/aws-serverless `Sentry.init` + `wrapHandler` against sentry() with a DSN, each in its own child process
// (test/fixtures/same-error.mjs, dist/ builds), both posting to this file's local ingest; compared field by field.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startSentryIngest, type SentryIngest } from '@lambdaware/testkit';

const fixture = fileURLToPath(new URL('./fixtures/same-error.mjs', import.meta.url));
let ingest: SentryIngest;
let official: Record<string, any>;
let light: Record<string, any>;

beforeAll(async () => {
  ingest = await startSentryIngest();
  const run = (mode: string) =>
    promisify(execFile)(process.execPath, [fixture, mode], { env: { ...process.env, SENTRY_DSN: '', SENTRY_TEST_DSN: ingest.dsn }, timeout: 30_000 });
  await run('official');
  official = ingest.events.at(-1)!;
  await run('light');
  light = ingest.events.at(-1)!;
});
afterAll(async () => {
  await ingest.close();
});

/** What the official SDK adds that the light reporter leaves out on purpose (see the README). */
const LEFT_OUT_TOP = ['modules']; // every installed package and its version (Modules integration)
const LEFT_OUT_FRAME = ['pre_context', 'context_line', 'post_context']; // source lines read from disk (ContextLines)

const keys = (o: object) => Object.keys(o).sort();

test('the same top-level fields, level, platform, environment and release', () => {
  expect(keys(light)).toEqual(expect.arrayContaining(keys(official).filter((k) => !LEFT_OUT_TOP.includes(k))));
  for (const field of ['level', 'platform', 'environment', 'release']) expect(light[field]).toEqual(official[field]);
});

test('the same sdk layout, on the same @sentry/core version, with LinkedErrors', () => {
  expect(keys(light.sdk)).toEqual(keys(official.sdk));
  expect(light.sdk.version).toBe(official.sdk.version);
  expect(light.sdk.integrations).toContain('LinkedErrors');
  for (const p of light.sdk.packages) expect(keys(p)).toEqual(['name', 'version']);
  expect(light.sdk.packages).toContainEqual({ name: 'npm:@sentry/core', version: official.sdk.version });
});

test('every context of the official event, with the same fields (os: but the distribution version)', () => {
  for (const [name, context] of Object.entries(official.contexts as Record<string, object>)) {
    expect(light.contexts).toHaveProperty([name]);
    // execution_duration_in_millis: only with timeoutWarning (issue 25: no `before` hook, no code on success)
    const expected = keys(context).filter((k) => !(name === 'os' && k === 'version') && k !== 'execution_duration_in_millis');
    expect(keys(light.contexts[name])).toEqual(expect.arrayContaining(expected));
  }
  expect(light.contexts['aws.lambda']).toMatchObject({
    function_name: 'orders',
    aws_request_id: 'req-shape',
    invoked_function_arn: official.contexts['aws.lambda'].invoked_function_arn,
  });
});

test("the same exception layout: the cause chain, types, messages, mechanisms (but its type) and the throw site's frames", () => {
  const o = official.exception.values as any[];
  const l = light.exception.values as any[];
  expect(l.map((v) => [v.type, v.value])).toEqual(o.map((v) => [v.type, v.value]));
  const withoutType = ({ type: _, ...rest }: Record<string, unknown>) => rest;
  expect(l.map((v) => withoutType(v.mechanism))).toEqual(o.map((v) => withoutType(v.mechanism)));
  expect(l.some((v) => v.mechanism.handled === false)).toBe(true);
  expect(l.find((v) => v.mechanism.handled === false).mechanism.type).toBe('auto.middleware.lambdaware.sentry');
  for (let i = 0; i < o.length; i++) {
    const oFrame = o[i].stacktrace.frames.at(-1);
    const lFrame = l[i].stacktrace.frames.at(-1);
    expect(keys(lFrame)).toEqual(keys(oFrame).filter((k) => !LEFT_OUT_FRAME.includes(k)));
    for (const k of ['filename', 'module', 'function', 'lineno', 'colno', 'in_app']) expect(lFrame[k]).toEqual(oFrame[k]);
    for (const f of l[i].stacktrace.frames) expect(keys(f)).toEqual(expect.arrayContaining(['filename', 'function', 'in_app']));
  }
});
