import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OptionsError } from '@lambdaware/shared';
import {
  apiGatewayV1Event,
  apiGatewayV2Event,
  functionUrlEvent,
  InvokeOptionsError,
  InvokeUsageError,
  invoke,
  loadEvent,
  resolveHandler,
} from '../src/index.js';
import { reportLine } from '../src/report.js';
import { RuntimeApi } from '../src/runtime-api.js';
import { isTypeScriptHandler, loadEsbuild } from '../src/typescript.js';

const sample = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/events/aws-lambda-go/${name}`, import.meta.url), 'utf8')) as Record<string, any>;

describe('resolveHandler: <module>#<export> → LAMBDA_TASK_ROOT and _HANDLER', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lambdaware-handler-'));
  writeFileSync(join(dir, 'index.mjs'), '');
  writeFileSync(join(dir, 'both.js'), '');
  writeFileSync(join(dir, 'both.mjs'), '');

  it('maps the module to <name>.<export> in its directory, export defaulting to handler', () => {
    expect(resolveHandler('index.mjs', { cwd: dir })).toEqual({
      taskRoot: dir,
      handler: 'index.handler',
      modulePath: join(dir, 'index.mjs'),
      exportName: 'handler',
    });
    expect(resolveHandler(`${dir}/index.mjs#handlers.sqs`).handler).toBe('index.handlers.sqs');
    expect(resolveHandler(`${dir}/dist/sub/app.cjs#main`, { taskRoot: dir })).toMatchObject({ taskRoot: dir, handler: 'dist/sub/app.main' });
  });

  it('refuses what Lambda could not load, saying why', () => {
    expect(() => resolveHandler(`${dir}/index.min.mjs`)).toThrow(/module whose name contains a dot \("index.min.mjs"\).*index-min\.mjs/);
    expect(() => resolveHandler(`${dir}/both.mjs`)).toThrow(/Lambda would load "both.js" instead of "both.mjs"/);
    expect(() => resolveHandler(`${dir}/index.mjs#1bad`)).toThrow(/"1bad" is not an export name/);
    expect(() => resolveHandler('#handler')).toThrow(/module file is missing/);
    expect(() => resolveHandler(`${dir}/index.mjs`, { taskRoot: join(dir, 'elsewhere') })).toThrow(/outside the task root/);
    expect(() => resolveHandler('')).toThrow(InvokeUsageError);
  });
});

describe('HTTP events: the shapes API Gateway and Function URLs send', () => {
  const keys = (value: object) => Object.keys(value).sort();

  it('apigw-v1 has the fields of the AWS sample, the payload as body', () => {
    const event = apiGatewayV1Event({ id: 'a' }, { path: '/orders/7?verbose=1&tag=x&tag=y' }) as Record<string, any>;
    const aws = sample('apigw-request.json');
    expect(keys(event)).toEqual(expect.arrayContaining(keys(aws)));
    expect(keys(event.requestContext)).toEqual(expect.arrayContaining(keys(aws.requestContext)));
    expect(event).toMatchObject({ httpMethod: 'POST', path: '/orders/7', body: '{"id":"a"}', pathParameters: { proxy: 'orders/7' } });
    expect(event.queryStringParameters).toEqual({ verbose: '1', tag: 'y' });
    expect(event.multiValueQueryStringParameters).toEqual({ verbose: ['1'], tag: ['x', 'y'] });
    expect(event.multiValueHeaders['Content-Type']).toEqual(['application/json']);
  });

  it('apigw-v2 and url have the fields of the AWS samples', () => {
    const v2 = apiGatewayV2Event('raw text', { method: 'put', path: '/items?x=1' }) as Record<string, any>;
    const awsV2 = sample('apigw-v2-request-no-authorizer.json');
    expect(keys(v2)).toEqual(expect.arrayContaining(keys(awsV2)));
    expect(keys(v2.requestContext)).toEqual(expect.arrayContaining(keys(awsV2.requestContext).filter((k) => k !== 'authentication')));
    expect(v2).toMatchObject({ routeKey: 'PUT /items', rawPath: '/items', rawQueryString: 'x=1', body: 'raw text', queryStringParameters: { x: '1' } });
    expect(v2.requestContext.http.method).toBe('PUT');
    expect(v2.headers['content-length']).toBe('8');

    const url = functionUrlEvent({ a: 1 }) as Record<string, any>;
    const awsUrl = sample('lambda-urls-request.json');
    expect(keys(url)).toEqual(expect.arrayContaining(keys(awsUrl).filter((k) => !['cookies', 'queryStringParameters'].includes(k))));
    expect(url.routeKey).toBe('$default'); // as AWS documents the Function URL payload (Powertools' LambdaFunctionUrlSchema requires it)
    expect(url.requestContext.domainName).toMatch(/\.lambda-url\.us-east-1\.on\.aws$/);
    expect(url.body).toBe('{"a":1}');
  });

  it('loadEvent: named record events come from @lambdaware/events; files are read whole; errors name the input', async () => {
    const sqs = (await loadEvent('sqs', [{ message: 'blue' }, { message: 'orange' }])) as Record<string, any>;
    expect(sqs.Records.map((r: any) => JSON.parse(r.body).message)).toEqual(['blue', 'orange']);
    const s3 = (await loadEvent('s3')) as Record<string, any>;
    expect(s3.Records[0].s3.bucket.name).toBe('example-bucket');
    const file = (await loadEvent(fileURL('../../../fixtures/events/aws-lambda-go/sqs-event.json'))) as Record<string, any>;
    expect(file).toEqual(sample('sqs-event.json'));
    await expect(loadEvent('s3', 'not an object')).rejects.toThrow(/--event s3: s3Event\(\) refused the payload: .*index 0/);
    await expect(loadEvent(fileURL('fixtures/success.mjs'))).rejects.toThrow(/success\.mjs is not valid JSON/);
    await expect(loadEvent(fileURL('fixtures/order-event.json'), { a: 1 })).rejects.toThrow(/--payload goes with an event name/);
  });
});

function fileURL(relative: string): string {
  return new URL(relative, import.meta.url).pathname;
}

describe('RuntimeApi routes', () => {
  it('answers unknown routes with 404 and responses for another request id with 400', async () => {
    const api = new RuntimeApi();
    const address = await api.listen();
    try {
      const missing = await fetch(`http://${address}/2018-06-01/runtime/invocation/abc/unknown`, { method: 'POST' });
      expect(missing.status).toBe(404);
      api.dispatch({ requestId: 'req-1', body: '{}', headers: { 'Lambda-Runtime-Aws-Request-Id': 'req-1' } });
      const next = await fetch(`http://${address}/2018-06-01/runtime/invocation/next`);
      expect(next.headers.get('lambda-runtime-aws-request-id')).toBe('req-1');
      expect(await next.json()).toEqual({});
      const wrong = await fetch(`http://${address}/2018-06-01/runtime/invocation/other/response`, { method: 'POST', body: '1' });
      expect(wrong.status).toBe(400);
      expect(await wrong.json()).toMatchObject({ errorType: 'InvalidRequestID' });
      const outcomes: unknown[] = [];
      api.listeners.onOutcome = (outcome) => outcomes.push(outcome);
      const ok = await fetch(`http://${address}/2018-06-01/runtime/invocation/req-1/error`, {
        method: 'POST',
        body: 'not json',
        headers: { 'Lambda-Runtime-Function-Error-Type': 'Custom.Type' },
      });
      expect(ok.status).toBe(202);
      expect(outcomes).toEqual([expect.objectContaining({ kind: 'error', error: { errorType: 'Custom.Type', errorMessage: 'not json' } })]);
    } finally {
      await api.close();
    }
  });
});

describe('REPORT line and option checks', () => {
  it('formats the REPORT line as Lambda does', () => {
    expect(reportLine('id-1', { durationMs: 12.345, billedDurationMs: 13, memorySizeMb: 128, maxMemoryUsedMb: 61, initDurationMs: 150.5 })).toBe(
      'REPORT RequestId: id-1\tDuration: 12.35 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 61 MB\tInit Duration: 150.50 ms',
    );
    expect(reportLine('id-2', { durationMs: 3000, billedDurationMs: 3000, memorySizeMb: 128, maxMemoryUsedMb: 61, status: 'timeout' })).toMatch(
      /\tMax Memory Used: 61 MB\tStatus: timeout$/,
    );
  });

  it('invoke() rejects bad options before starting anything, naming the option', async () => {
    const handler = fileURL('fixtures/success.mjs');
    const refused = async (options: object, option: string, message: RegExp) => {
      const error = await invoke({ handler, ...options }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InvokeUsageError);
      expect(error).toBeInstanceOf(InvokeOptionsError);
      expect(error).toBeInstanceOf(OptionsError);
      expect(error).toMatchObject({ package: '@lambdaware/cli', fn: 'invoke', option });
      expect((error as Error).message).toMatch(message);
    };
    await refused({ timeout: 0 }, 'timeout', /^invoke\(\): option "timeout" must be seconds, more than 0 and at most 900 .*, got 0$/);
    await refused({ memory: 100.5 }, 'memory', /^invoke\(\): option "memory" must be whole MB between 128 and 10240/);
    await refused({ events: [] }, 'events', /^invoke\(\): option "events" must be a non-empty array of events, got an array of 0$/);
    await refused({ event: {}, events: [{}] }, 'events', /give one of them/);
    await refused({ env: { N: 1 } }, 'env.N', /^invoke\(\): option "env.N" must be a string, got 1$/);
    await refused({ events: [{}, () => 1] }, 'events[1]', /^invoke\(\): option "events\[1\]" cannot be sent as JSON/);
    await refused({ events: [{}, 10n] }, 'events[1]', /^invoke\(\): option "events\[1\]" cannot be sent as JSON/);
    await refused({ event: 'x'.repeat(6 * 1024 * 1024) }, 'event', /^invoke\(\): option "event" is 6291458 bytes, over Lambda's 6291456-byte limit/);
    await refused({ timout: 3 }, 'timout', /^invoke\(\): option "timout" is not an option of invoke\(\)/);
  });
});

describe('TypeScript handlers', () => {
  it('are recognised by their extension (.ts, .mts, .cts, .tsx; not .d.ts)', () => {
    expect(['a.ts', 'src/a.mts#main', 'a.cts', 'a.tsx', 'a.TS'].map(isTypeScriptHandler)).toEqual([true, true, true, true, true]);
    expect(['a.js', 'a.mjs', 'types.d.ts', 'a.ts.js'].map(isTypeScriptHandler)).toEqual([false, false, false, false]);
  });

  it('without esbuild: a message saying exactly what to do', async () => {
    const nowhere = mkdtempSync(join(tmpdir(), 'lambdaware-no-esbuild-'));
    await expect(loadEsbuild('src/handler.ts', [join(nowhere, 'noop.js')])).rejects.toThrow(
      'handler "src/handler.ts": a TypeScript handler is bundled with esbuild before it runs, and esbuild is not installed. ' +
        'Install it in your project (npm install --save-dev esbuild), or build first and pass the JavaScript file (e.g. npx tsc, then lambdaware invoke dist/handler.js).',
    );
    await expect(loadEsbuild('src/handler.ts', [join(nowhere, 'noop.js')])).rejects.toBeInstanceOf(InvokeUsageError);
    // with esbuild where it is looked for (the project's node_modules), it loads
    expect(typeof (await loadEsbuild('src/handler.ts', [join(fileURL('../../../'), 'noop.js')])).build).toBe('function');
  });
});
