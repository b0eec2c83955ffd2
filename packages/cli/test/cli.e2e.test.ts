// The real bin: packages/cli/bin/lambdaware.js (the committed shim npm links as `lambdaware`, which loads
// dist/bin.js built by `npx tsc -b packages/cli` or `npm test`) run with the project's Node, as a user runs
// `lambdaware invoke`.
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'packages/cli/bin/lambdaware.js');
const node = process.execPath; // node_modules/.bin/node's Node 22 under `npm run jest`
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [bin, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('lambdaware invoke (the bin)', () => {
  it('is built, and the bin npm links is a committed file (it exists at install time, before any build)', () => {
    expect(existsSync(join(root, 'packages/cli/dist/bin.js'))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(root, 'packages/cli/package.json'), 'utf8'));
    expect(manifest.bin).toEqual({ lambdaware: './bin/lambdaware.js' });
    expect(manifest.files).toContain('bin');
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(bin).mode & 0o111).not.toBe(0);
    // the lockfile npm ci installs from names the same bin
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
    expect(lock.packages['packages/cli'].bin).toEqual({ lambdaware: 'bin/lambdaware.js' });
  });

  it('exit 0: CloudWatch-like lines on stderr, the response on stdout', async () => {
    const { code, stdout, stderr } = await run(['invoke', 'packages/cli/test/fixtures/success.mjs', '--env', 'GREETING=hello there', '-m', '512']);
    expect(code).toBe(0);
    const response = JSON.parse(stdout);
    expect(response.env.GREETING).toBe('hello there');
    expect(response.memoryLimitInMB).toBe('512');
    const lines = stderr.trimEnd().split('\n');
    const id = response.requestId;
    expect(lines[0]).toBe(`START RequestId: ${id} Version: $LATEST`);
    expect(lines[1]).toMatch(new RegExp(`Z\\t${id}\\tINFO\\thandling 2 bytes$`));
    expect(lines[2]).toBe(`END RequestId: ${id}`);
    expect(lines[3]).toMatch(
      new RegExp(
        `^REPORT RequestId: ${id}\\tDuration: \\d+\\.\\d\\d ms\\tBilled Duration: \\d+ ms\\tMemory Size: 512 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: \\d+\\.\\d\\d ms$`,
      ),
    );
    expect(lines).toHaveLength(4);
  });

  it('exit 1: the error body on stdout', async () => {
    const { code, stdout } = await run(['invoke', fixture('throws.mjs'), '--event', fixture('order-event.json')]);
    expect(code).toBe(1);
    const error = JSON.parse(stdout);
    expect(Object.keys(error)).toEqual(['errorType', 'errorMessage', 'trace']);
    expect(error.errorMessage).toBe('order o-42 rejected');
  });

  it('exit 2: timeout, with the Task timed out line', async () => {
    const { code, stdout, stderr } = await run(['invoke', fixture('slow.mjs'), '--timeout', '0.4']);
    expect(code).toBe(2);
    const error = JSON.parse(stdout);
    expect(error.errorType).toBe('Sandbox.Timedout');
    expect(stderr).toMatch(/\tStatus: timeout\n\S+ [0-9a-f-]{36} Task timed out after 0\.40 seconds\n$/);
  });

  it('exit 3: init error', async () => {
    const { code, stdout, stderr } = await run(['invoke', `${fixture('success.mjs')}#nothing`]);
    expect(code).toBe(3);
    expect(JSON.parse(stdout).errorType).toBe('Runtime.HandlerNotFound');
    expect(stderr).toContain('INIT_REPORT Init Duration: ');
  });

  it('exit 3: usage errors name the option and what was wrong', async () => {
    const cases: [string[], RegExp][] = [
      [['invoke'], /missing <handler-module>/],
      [['run', 'x.mjs'], /unknown command "run"/],
      [['invoke', fixture('success.mjs'), '--timeout', 'soon'], /--timeout: expected a number, got "soon"/],
      [['invoke', fixture('success.mjs'), '--event', 'sqs', '--payload', '{oops'], /--payload: not valid JSON/],
      [['invoke', fixture('success.mjs'), '--event', 'nope.json'], /--event "nope.json": no such file, and not an event name \(sqs, sns/],
      [['invoke', fixture('success.mjs'), '--env', 'NOEQUALS'], /--env "NOEQUALS": expected KEY=VALUE/],
      [['invoke', fixture('success.mjs'), '--memory', '64'], /--memory: expected whole MB between 128 and 10240/],
      [['invoke', fixture('success.mjs'), '--bogus'], /Unknown option '--bogus'/],
      [['invoke', fixture('success.mjs'), '--timeout', '901'], /--timeout: expected seconds, more than 0 and at most 900/],
      [['invoke', 'packages/cli/test/fixtures/index.min.mjs'], /cannot load a module whose name contains a dot/],
      [
        ['invoke', fixture('records.mjs'), '-e', 'sqs', '-e', 'sns', '-e', 's3', '-p', '{"message":"a"}', '-p', '{"message":"b"}'],
        /--payload is given 2 times for 3 --events \(sqs, sns, s3\): give one --payload per --event/,
      ],
      [
        ['invoke', fixture('records.mjs'), '-e', 'sqs', '-e', 's3', '-p', '{"message":"a"}', '-p', '"nope"'],
        /--event 2 \("s3"\) with --payload 2: --event s3: s3Event\(\) refused the payload/,
      ],
      [['invoke', fixture('records.mjs'), '-e', 'sqs', '-e', 'sqs', '-p', '{"message":"a"}', '-p', '{oops'], /--payload 2: not valid JSON/],
      [['invoke', fixture('success.mjs'), '--concurrency', '0'], /--concurrency: expected a whole number/],
      [['invoke', fixture('success.mjs'), '--repeat', '0'], /--repeat: expected a whole number of times/],
      [['invoke', 'packages/cli/test/fixtures/typescript/broken.ts'], /broken\.ts:2:25: Expected "\}" but found ";"/],
      [
        ['invoke', 'packages/cli/test/fixtures/typescript/handler.ts', '--task-root', 'packages'],
        /--task-root: cannot be given with a TypeScript handler .* it is bundled into one file whose directory is the task root/,
      ],
    ];
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = await run(args);
      expect({ args, code, stdout }).toEqual({ args, code: 3, stdout: '' });
      expect(stderr).toMatch(message);
      expect(stderr).toContain('lambdaware --help');
    }
  });

  it('builds named events: sqs with a --payload array, repeated --event in one warm environment', async () => {
    const { code, stdout, stderr } = await run([
      'invoke',
      fixture('records.mjs'),
      '-e',
      'sqs',
      '-e',
      'sns-sqs',
      '--payload',
      '[{"message":"blue"},{"message":"orange"}]',
    ]);
    expect(code).toBe(0);
    const [sqs, snsSqs] = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(sqs).toEqual({ joined: 'blue:orange', count: 2, source: 'aws:sqs' });
    expect(snsSqs).toEqual({ joined: 'blue:orange', count: 2, source: 'aws:sqs' });
    expect(stderr.match(/Init Duration/g)).toHaveLength(1);
  });

  it('reads an event file and passes HTTP events with the payload as body', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lambdaware-cli-'));
    const handler = join(dir, 'echo.mjs');
    writeFileSync(
      handler,
      'export const handler = async (event) => ({ statusCode: 200, body: event.body, method: event.requestContext.http?.method ?? event.httpMethod, path: event.rawPath ?? event.path });\n',
    );
    const { code, stdout } = await run([
      'invoke',
      handler,
      '-e',
      'apigw-v2',
      '-e',
      'apigw-v1',
      '-e',
      'url',
      '--path',
      '/items?x=1',
      '-p',
      '{"id":"a","val":1,"flag":true}',
    ]);
    expect(code).toBe(0);
    const responses = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(responses).toEqual(Array(3).fill({ statusCode: 200, body: '{"id":"a","val":1,"flag":true}', method: 'POST', path: '/items' }));
  });

  it('pairs several --payload with the --event list one to one, in order', async () => {
    const { code, stdout } = await run([
      'invoke',
      fixture('records.mjs'),
      '-e',
      'sqs',
      '-p',
      '[{"message":"blue"},{"message":"orange"}]',
      '-e',
      'sns-sqs',
      '-p',
      '{"message":"green"}',
      '-e',
      'sqs',
      '-p',
      '[{"message":"a"},{"message":"b"},{"message":"c"}]',
    ]);
    expect(code).toBe(0);
    expect(
      stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([
      { joined: 'blue:orange', count: 2, source: 'aws:sqs' },
      { joined: 'green', count: 1, source: 'aws:sqs' },
      { joined: 'a:b:c', count: 3, source: 'aws:sqs' },
    ]);
  });

  it('runs a .ts handler, bundled on the fly with esbuild; its stack frames point at the .ts lines', async () => {
    const handler = 'packages/cli/test/fixtures/typescript/handler.ts';
    const bad = await run(['invoke', handler, '-e', fixture('order-event.json')]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).errorType).toBe('ZodError'); // zod, a package, imported from the bundle
    const typed = mkdtempSync(join(tmpdir(), 'lambdaware-ts-event-'));
    writeFileSync(join(typed, 'empty.json'), '{"id":"o-9","amounts":[]}');
    writeFileSync(join(typed, 'full.json'), '{"id":"o-8","amounts":[1,2,3.5]}');
    const both = await run(['invoke', handler, '-e', join(typed, 'full.json'), '-e', join(typed, 'empty.json')]);
    const [full, empty] = both.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(full).toEqual({ id: 'o-8', total: 6.5 });
    expect(empty.errorMessage).toBe('order o-9 has no amounts');
    expect(empty.trace[1]).toMatch(/^ {4}at .*packages\/cli\/test\/fixtures\/typescript\/handler\.ts:11:\d+\)?$/);
  });

  it('--concurrency N --repeat R: R x events in flight N at a time, one stdout line each in order, and a summary', async () => {
    const { code, stdout, stderr } = await run([
      'invoke',
      fixture('records.mjs'),
      '-e',
      'sqs',
      '-p',
      '{"message":"x"}',
      '-e',
      'sqs',
      '-p',
      '{"message":"y"}',
      '--repeat',
      '6',
      '--concurrency',
      '4',
      '--env',
      'AWS_LAMBDA_NODEJS_WORKER_COUNT=1',
    ]);
    expect(code).toBe(0);
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line).joined);
    expect(lines).toEqual(Array(6).fill(['x', 'y']).flat());
    expect(stderr).toMatch(
      /\nlambdaware: 12 invocations, up to 4 in flight at once \(AWS_LAMBDA_MAX_CONCURRENCY=4\), 1 execution environment: 12 success, 0 error, 0 timeout, 0 init error\n$/,
    );
    expect(stderr.match(/^REPORT RequestId: /gm)).toHaveLength(12);
  });
});
