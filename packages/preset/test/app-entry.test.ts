// `@lambdaware/preset/app`: the chain of `@lambdaware/preset` with the sentry() of `@lambdaware/sentry/app`, for an app
// that has its own Sentry client: the failure is reported through that client (the real @sentry/node posting to a
// local ingest, in a child process: Sentry.init is process-global), and the bundle holds no built-in reporter.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startSentryIngest, type SentryIngest } from '@lambdaware/testkit';
import { CONCERNS, lambdaware } from '../src/app.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
let ingest: SentryIngest;
beforeAll(async () => {
  ingest = await startSentryIngest();
});
afterAll(async () => {
  await ingest.close();
});

const bundle = async (entry: string): Promise<string> => {
  const out = await build({
    stdin: { contents: `import { lambdaware } from '${entry}'; export const h = lambdaware;`, resolveDir: root, loader: 'js' },
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    external: ['@aws-sdk/*'],
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
};

test('the same concerns and chain as the main entry point', () => {
  expect(CONCERNS).toEqual(['logContext', 'errorLog', 'sentry', 'secrets', 'records']);
  expect(lambdaware().map((m) => m.name)).toEqual(['logContext', 'errorLog', 'sentry', 'records']);
  expect(lambdaware({ sentry: false, records: false }).map((m) => m.name)).toEqual(['logContext', 'errorLog']);
});

test('its bundle holds no built-in reporter and no @sentry/core code; the main entry point bundles them', async () => {
  const [app, main] = await Promise.all([bundle('@lambdaware/preset/app'), bundle('@lambdaware/preset')]);
  // the built-in reporter's SDK name, and @sentry/core's envelope endpoint builder (`/envelope/`)
  expect(main).toContain('sentry.javascript.lambdaware');
  expect(main).toContain('/envelope/');
  expect(app).not.toContain('sentry.javascript.lambdaware');
  expect(app).not.toContain('/envelope/');
  expect(app.length).toBeLessThan(main.length);
});

test("a failure is reported through the app's own client (@sentry/node): one event, its id on the error line", async () => {
  const script = `
    import * as Sentry from '@sentry/node';
    Sentry.init({ dsn: process.env.APP_DSN, defaultIntegrations: false });
    const { default: middy } = await import('@middy/core');
    const { lambdaware } = await import('@lambdaware/preset/app');
    const handler = middy(async () => { throw new Error('order 9 not saved'); }).use(lambdaware({ records: false }));
    const context = { awsRequestId: 'req-9', functionName: 'orders', getRemainingTimeInMillis: () => 5000 };
    const thrown = await handler({}, context).then(() => 'no error', (e) => e.message);
    console.error(JSON.stringify({ thrown }));
  `;
  const before = ingest.events.length;
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', APP_DSN: ingest.dsn },
    timeout: 60_000,
  });
  const lines = `${stdout}\n${stderr}`
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, any>);
  expect(lines.find((l) => 'thrown' in l)?.thrown).toBe('order 9 not saved');
  const events = ingest.events.slice(before);
  expect(events).toHaveLength(1);
  expect((events[0]!.sdk as { name: string }).name).toBe('sentry.javascript.node');
  const errors = lines.filter((l) => l.level === 'ERROR');
  expect(errors).toHaveLength(1);
  expect(errors[0]!.error.sentryEventID).toBe(events[0]!.event_id);
  expect(errors[0]!.error.message).toBe('order 9 not saved');
});
