// Issue 25, one Sentry path per bundle: `@lambdaware/sentry/app` (an app with its own Sentry client) neither loads
// nor bundles the built-in reporter, while `@lambdaware/sentry` bundles it and loads it at init (with a DSN and no
// app client). Bundled with esbuild as the examples deploy (the built dist/), loaded by a child Node process.
import { expect, test } from '@jest/globals';
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bundle = async (entry: string): Promise<string> => {
  const out = await build({
    stdin: { contents: `export { sentry } from '${entry}';`, resolveDir: root, loader: 'js' },
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
};

test('the /app entry bundles no built-in reporter and no @sentry/core code; the main entry does', async () => {
  const [app, main] = await Promise.all([bundle('@lambdaware/sentry/app'), bundle('@lambdaware/sentry')]);
  // the built-in reporter's SDK name, and @sentry/core's envelope endpoint builder (`/envelope/`)
  expect(main).toContain('sentry.javascript.lambdaware');
  expect(main).toContain('/envelope/');
  expect(app).not.toContain('sentry.javascript.lambdaware');
  expect(app).not.toContain('/envelope/');
  expect(app.length).toBeLessThan(main.length);
});

test('with a DSN and no app client: the main entry loads the reporter at init; /app never, and says why nothing is sent', async () => {
  const script = (entry: string) => `
    import { registerHooks } from 'node:module';
    const loaded = [];
    registerHooks({ resolve(s, c, next) { const r = next(s, c); if (/builtin\\.js$|\\/@sentry\\//.test(r.url)) loaded.push(r.url); return r; } });
    const { default: middy } = await import('@middy/core');
    const { sentry } = await import('${entry}');
    const handler = middy(async () => { throw new Error('x'); }).use(sentry({ flushTimeout: 200 }));
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the rest of the init phase
    const atInit = loaded.length;
    await handler({}, { awsRequestId: 'r', getRemainingTimeInMillis: () => 5000 }).catch(() => {});
    console.log(JSON.stringify([atInit, loaded.length]));
  `;
  const run = async (entry: string) => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script(entry)], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', SENTRY_DSN: 'http://key@127.0.0.1:9/1' },
    });
    return { counts: JSON.parse(stdout.trim().split('\n').at(-1)!) as [number, number], stderr };
  };
  const main = await run('@lambdaware/sentry');
  expect(main.counts[0]).toBeGreaterThan(0);
  const app = await run('@lambdaware/sentry/app');
  expect(app.counts).toEqual([0, 0]);
  expect(app.stderr).toMatch(/reports through the app's own Sentry client only/);
});
