// The real bin: packages/cli/dist/bin.js (built by `npx tsc -b packages/cli` or `npm test`) run with the
// project's Node, as a user runs `lambdaware invoke`.
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'packages/cli/dist/bin.js');
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
  it('is built', () => {
    expect(existsSync(bin)).toBe(true);
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
      new RegExp(`^REPORT RequestId: ${id}\\tDuration: \\d+\\.\\d\\d ms\\tBilled Duration: \\d+ ms\\tMemory Size: 512 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: \\d+\\.\\d\\d ms$`),
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
      '-e', 'sqs',
      '-e', 'sns-sqs',
      '--payload', '[{"message":"blue"},{"message":"orange"}]',
    ]);
    expect(code).toBe(0);
    const [sqs, snsSqs] = stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(sqs).toEqual({ joined: 'blue:orange', count: 2, source: 'aws:sqs' });
    expect(snsSqs).toEqual({ joined: 'blue:orange', count: 2, source: 'aws:sqs' });
    expect(stderr.match(/Init Duration/g)).toHaveLength(1);
  });

  it('reads an event file and passes HTTP events with the payload as body', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lambdaware-cli-'));
    const handler = join(dir, 'echo.mjs');
    writeFileSync(handler, 'export const handler = async (event) => ({ statusCode: 200, body: event.body, method: event.requestContext.http?.method ?? event.httpMethod, path: event.rawPath ?? event.path });\n');
    const { code, stdout } = await run(['invoke', handler, '-e', 'apigw-v2', '-e', 'apigw-v1', '-e', 'url', '--path', '/items?x=1', '-p', '{"id":"a","val":1,"flag":true}']);
    expect(code).toBe(0);
    const responses = stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(responses).toEqual(Array(3).fill({ statusCode: 200, body: '{"id":"a","val":1,"flag":true}', method: 'POST', path: '/items' }));
  });
});
