import { afterEach, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { request } from 'node:http';
import middy from '@middy/core';
import { lambdaContext } from '@lambdaware/events';
import { OptionsError } from '@lambdaware/shared';
import { startSentryIngest, parseEnvelope } from '@lambdaware/testkit';
import { SentryOptionsError, cloudWatchLogsUrl, invocationData, sentry } from '@lambdaware/sentry';

const savedEnv = { ...process.env };
afterEach(() => {
  process.env = { ...savedEnv };
});

describe('options, validated at creation', () => {
  test.each([
    ['not a url', /option "dsn" is not a valid Sentry DSN \(not a URL\)/],
    ['ftp://key@sentry.example.com/1', /option "dsn" .*protocol "ftp:"/],
    ['https://sentry.example.com/1', /option "dsn" .*no public key/],
    ['https://key@sentry.example.com/', /option "dsn" .*no project id/],
    ['https://key@sentry.example.com/project', /option "dsn" .*project id "project" is not a number/],
  ])('a bad dsn %p names the option', (dsn, message) => {
    expect(() => sentry({ dsn })).toThrow(SentryOptionsError);
    expect(() => sentry({ dsn })).toThrow(message);
  });

  test('a bad SENTRY_DSN names the variable', () => {
    process.env.SENTRY_DSN = 'https://o1.ingest.sentry.io/42';
    expect(() => sentry()).toThrow(/SENTRY_DSN is not a valid Sentry DSN \(no public key/);
  });

  test.each([
    [{ flushTimeout: -1 }, /^sentry\(\): option "flushTimeout" must be a number of milliseconds >= 0, got -1$/],
    [{ flushTimeout: '2000' }, /option "flushTimeout" .* got "2000"/],
    [{ flushMargin: Number.NaN }, /option "flushMargin"/],
    [{ timeoutWarning: 'soon' }, /option "timeoutWarning"/],
    [{ tags: { a: 1 } }, /option "tags" must be an object of string values/],
    [{ beforeSend: 'x' }, /option "beforeSend" must be a function/],
    [{ enabled: true, dsn: undefined }, /option "enabled" is true but no DSN is set/],
  ])('%p is refused with a message naming the option', (options, message) => {
    delete process.env.SENTRY_DSN;
    expect(() => sentry({ dsn: 'https://key@o1.ingest.sentry.io/42', ...(options as object) })).toThrow(message);
    expect(() => sentry({ dsn: 'https://key@o1.ingest.sentry.io/42', ...(options as object) })).toThrow(SentryOptionsError);
  });

  test.each([
    [null, 'options', 'sentry(): options must be an object, got null'],
    [{ dsn: 3 }, 'dsn', 'sentry(): option "dsn" must be a string, got 3'],
    [
      { flushTimout: 100 },
      'flushTimout',
      'sentry(): option "flushTimout" is not an option of sentry() (options: dsn, enabled, environment, release, flushTimeout, flushMargin, timeoutWarning, tags, breadcrumbs, shouldReport, beforeSend)',
    ],
  ])('%p: the shared option error (package, option, what was wrong)', (options, option, message) => {
    let error: unknown;
    try {
      sentry(options as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SentryOptionsError);
    expect(error).toBeInstanceOf(OptionsError);
    expect(error).toMatchObject({ name: 'SentryOptionsError', package: '@lambdaware/sentry', fn: 'sentry', option, message });
  });

  test('a valid DSN with a path prefix and a port is accepted', () => {
    expect(sentry({ dsn: 'https://abc@sentry.example.com:9000/sentry/42' }).onError).toBeInstanceOf(Function);
  });

  test('off without a DSN and no app client (and with enabled: false): nothing reported, the error passes through', async () => {
    delete process.env.SENTRY_DSN;
    const forcedOff = sentry({ dsn: 'https://key@o1.ingest.sentry.io/42', enabled: false });
    expect(Object.keys(forcedOff).filter((k) => k !== 'name')).toEqual(['onError']);
    expect(forcedOff.name).toBe('sentry');
    const offs = [sentry(), forcedOff];
    process.env.SENTRY_DSN = '  ';
    offs.push(sentry());
    const error = new Error('not reported');
    const handler = middy(async () => {
      throw error;
    }).use(offs[0]);
    await expect(handler({}, lambdaContext())).rejects.toBe(error);
    expect(Object.getOwnPropertySymbols(error)).toEqual([]);
  });

  test('timeoutWarning adds before/after hooks', () => {
    const middleware = sentry({ dsn: 'https://key@o1.ingest.sentry.io/42', timeoutWarning: true });
    expect(
      Object.keys(middleware)
        .filter((k) => k !== 'name')
        .sort(),
    ).toEqual(['after', 'before', 'onError']);
    expect(middleware.name).toBe('sentry');
  });
});

describe('Lambda context', () => {
  test('CloudWatch Logs link in the console encoding, region from the ARN', () => {
    const url = cloudWatchLogsUrl({
      invokedFunctionArn: 'arn:aws:lambda:ap-southeast-2:123456789012:function:fn:prod',
      logGroupName: '/aws/lambda/fn',
      logStreamName: '2024/05/01/[$LATEST]0123abcd',
    });
    expect(url).toBe(
      'https://console.aws.amazon.com/cloudwatch/home?region=ap-southeast-2#logsV2:log-groups/log-group/$252Faws$252Flambda$252Ffn/log-events/2024$252F05$252F01$252F$255B$2524LATEST$255D0123abcd',
    );
  });

  test('region falls back to AWS_REGION; no log group, no link', () => {
    process.env.AWS_REGION = 'us-west-2';
    expect(cloudWatchLogsUrl({ logGroupName: '/aws/lambda/x' })).toMatch(/^https:\/\/console\.aws\.amazon\.com\/cloudwatch\/home\?region=us-west-2#/);
    expect(cloudWatchLogsUrl({ invokedFunctionArn: 'arn:aws:lambda:eu-west-1:1:function:x' })).toBeUndefined();
  });

  test('invocationData survives a context whose getRemainingTimeInMillis throws, and a missing context', () => {
    const data = invocationData(
      {
        functionName: 'f',
        getRemainingTimeInMillis: () => {
          throw new Error('no');
        },
      },
      { team: 'core' },
    );
    expect(data.tags).toEqual({ team: 'core', function_name: 'f' });
    expect(data.contexts['aws.lambda']).toEqual({ function_name: 'f', 'sys.argv': process.argv });
    expect(invocationData(undefined, {}).contexts).toEqual({ 'aws.lambda': { 'sys.argv': process.argv } });
    const ctx = lambdaContext({ functionName: 'g' });
    expect(invocationData(ctx, {}).contexts['aws.lambda'].memory_limit_in_mb).toBe('128');
  });
});

describe('off costs nothing: the SDK is not loaded without a DSN; with one it is loaded at init, never on the failure path', () => {
  // A child process on the built dist/ (built by `npm test` before jest), with a resolve hook recording every
  // @sentry module, counted after a successful invocation and after a failing one. With a DSN the SDK is loaded at
  // init (issue 20: a failure near the deadline on a cold environment must not wait for the import before its line).
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const script = `
    import { registerHooks } from 'node:module';
    const loaded = [];
    registerHooks({ resolve(s, c, next) { const r = next(s, c); if (r.url.includes('/@sentry/')) loaded.push(r.url); return r; } });
    const { default: middy } = await import('@middy/core');
    const { sentry } = await import('@lambdaware/sentry');
    const handler = middy(async (event) => { if (event.fail) throw new Error('x'); return 'ok'; }).use(sentry({ flushTimeout: 200 }));
    const context = { awsRequestId: 'r', getRemainingTimeInMillis: () => 5000 };
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the rest of the init phase
    await handler({}, context);
    const afterSuccess = loaded.length;
    await handler({ fail: true }, context).catch(() => {});
    console.log(JSON.stringify([afterSuccess, loaded.length]));
  `;
  const run = async (env: Record<string, string>) => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as [number, number];
  };

  test('no @sentry module resolved without SENTRY_DSN; with it, all of them at init, none more on the failure', async () => {
    const ingest = await startSentryIngest();
    try {
      expect(await run({})).toEqual([0, 0]);
      const [afterSuccess, afterError] = await run({ SENTRY_DSN: ingest.dsn });
      expect(afterSuccess).toBeGreaterThan(0);
      expect(afterError).toBe(afterSuccess);
      expect(ingest.events).toHaveLength(1);
    } finally {
      await ingest.close();
    }
  });
});

describe('faults in a plain Node process', () => {
  // Node ends a process on an unhandled rejection, and a process only ends by itself when no socket or timer is
  // left: refused, hanging (the request is aborted at the bound) and 500 must leave nothing behind.
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const script = `
    import { startSentryIngest } from '@lambdaware/testkit';
    const { default: middy } = await import('@middy/core');
    const { sentry } = await import('@lambdaware/sentry');
    const ingest = await startSentryIngest();
    const handler = middy(async () => { throw new Error('fault'); }).use(sentry({ dsn: ingest.dsn, flushTimeout: 300, timeoutWarning: 100 }));
    const outcomes = [];
    for (const mode of ['refuse', 'hang', 'status', 'ok']) {
      await ingest.setMode(mode);
      const t = Date.now();
      await handler({}, { awsRequestId: mode, functionName: 'f', getRemainingTimeInMillis: () => 5000 }).catch((e) => outcomes.push([mode, e.message, Date.now() - t < 1300]));
    }
    await ingest.close();
    console.log(JSON.stringify({ outcomes, events: ingest.events.length }));
  `;
  test('the process exits by itself, without an unhandled rejection, with every error unchanged', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--unhandled-rejections=strict', '--input-type=module', '-e', script], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '' },
      timeout: 10_000,
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(result.outcomes).toEqual([
      ['refuse', 'fault', true],
      ['hang', 'fault', true],
      ['status', 'fault', true],
      ['ok', 'fault', true],
    ]);
    expect(result.events).toBe(3); // hang, 500 and ok received it; refused did not
    const warns = stderr.split('\n').filter((l) => l.includes('"WARN"'));
    expect(warns.map((l) => JSON.parse(l).reason)).toEqual(['ECONNREFUSED', 'no answer within 300 ms', 'HTTP 500']);
  });
});

describe('the local ingest', () => {
  test('gzip-encoded envelopes with length-prefixed items are parsed', async () => {
    const ingest = await startSentryIngest({ project: '7' });
    try {
      const attachment = Buffer.from('line one\nline two');
      const body = Buffer.concat([
        Buffer.from('{"event_id":"abc"}\n{"type":"event"}\n{"event_id":"abc","message":"hi"}\n'),
        Buffer.from(`{"type":"attachment","length":${attachment.length}}\n`),
        attachment,
        Buffer.from('\n'),
      ]);
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          `http://127.0.0.1:${ingest.port}/api/7/envelope/?sentry_key=k`,
          { method: 'POST', headers: { 'content-encoding': 'gzip' } },
          (res) => {
            res.resume();
            resolve(res.statusCode!);
          },
        );
        req.on('error', reject);
        req.end(gzipSync(body));
      });
      expect(status).toBe(200);
      expect(ingest.events).toEqual([{ event_id: 'abc', message: 'hi' }]);
      expect(Buffer.from(ingest.envelopes[0].items[1].payload as Buffer).toString()).toBe('line one\nline two');
      expect(ingest.envelopes[0]).toMatchObject({ project: '7', query: { sentry_key: 'k' } });
    } finally {
      await ingest.close();
    }
  });

  test('a malformed envelope is a clear parse error', () => {
    expect(() => parseEnvelope(Buffer.from('{"event_id":"x"}\nnot json\n'))).toThrow(/item 0 header is not a JSON object/);
  });
});
