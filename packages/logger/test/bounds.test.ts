import { afterEach, describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import { REDACTED, clearSecrets, registerSecret, setLogSink, trackSecretLoad } from '@lambdaware/shared';
import { captureOutput } from '@lambdaware/testkit';
import { EVENT_WITHHELD, MAX_LINE_BYTES, createLogger, logContext } from '@lambdaware/logger';
import { context } from './helpers.js';

afterEach(() => {
  clearSecrets();
  setLogSink(undefined);
});

const nest = (levels: number): Record<string, unknown> => {
  let v: Record<string, unknown> = { leaf: 'bottom' };
  for (let i = 0; i < levels; i++) v = { d: v };
  return v;
};

/** An EventBridge event (the AWS sample's envelope) whose detail is 3,000 levels deep: about 6 KB of JSON. */
const deepEventBridgeEvent = () => ({
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: nest(3000),
});

describe('the logger never throws on a value', () => {
  it('a 3,000-level object: written down to the depth limit, with a marker', async () => {
    const log = createLogger();
    const out = await captureOutput(() => {
      log.info('deep', { deep: nest(3000) });
      log.with('deep', nest(3000)).warn('deep with()');
      log.set('deep', nest(3000));
      log.error('deep set()');
      log.clearInvocation();
    });
    expect(out.error).toBeUndefined();
    const lines = out.stdoutLines();
    expect(lines.map((l) => l.message)).toEqual(['deep', 'deep with()', 'deep set()']);
    for (const l of lines) expect(JSON.stringify(l.deep)).toMatch(/^(\{"d":){64}"\[Depth limit\]"\}+$/);
  });

  it('a 6 KB EventBridge event 3,000 levels deep with logEvent: true does not fail the invocation', async () => {
    const event = deepEventBridgeEvent();
    expect(JSON.stringify(event).length).toBeGreaterThan(6000);
    const log = createLogger();
    const handler = middy(async () => 'done').use(logContext({ logger: log, logEvent: true }));
    const out = await captureOutput(() => handler(event, context('req-eb')));
    expect(out.error).toBeUndefined();
    expect(out.result).toBe('done');
    const [line] = out.stdoutLines();
    expect(line).toMatchObject({ message: 'Lambda invocation event', function_request_id: 'req-eb', event: { source: 'aws.ec2' } });
    expect(JSON.stringify(line.event)).toContain('[Depth limit]');
  });
});

describe('own keys only: no payload sets a line’s level, message, timestamp or request id', () => {
  it("the forgery of the issue: logger.error('payload', JSON.parse('{\"__proto__\":{…}}'))", async () => {
    const log = createLogger();
    const payload = JSON.parse('{"__proto__":{"level":"DEBUG","function_request_id":"forged-id"}}') as object;
    const handler = middy(async () => {
      log.error('payload', payload);
      log.with('p', 1).error({ message: 'as input', ...(payload as Record<string, unknown>) } as never);
    }).use(logContext({ logger: log }));
    const out = await captureOutput(() => handler({}, context('req-true')));
    const [line, asInput] = out.stdoutLines();
    expect(line).toMatchObject({ level: 'ERROR', message: 'payload', function_request_id: 'req-true' });
    // The payload's own `__proto__` key is written as an ordinary key, not made the prototype of the line.
    expect(Object.hasOwn(line, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(line, '__proto__')?.value).toEqual({ level: 'DEBUG', function_request_id: 'forged-id' });
    expect(asInput).toMatchObject({ level: 'ERROR', message: 'as input', function_request_id: 'req-true', p: 1 });
  });

  it('a field named like the line’s own keys is written as field_<key>; inherited keys are not written', async () => {
    const log = createLogger();
    const inherited = Object.create({ level: 'DEBUG', message: 'forged' }) as Record<string, unknown>;
    inherited.own = 'yes';
    const handler = middy(async () => {
      log.info('real', { level: 'DEBUG', timestamp: 'then', function_request_id: 'forged-id', inherited });
    }).use(logContext({ logger: log }));
    const out = await captureOutput(() => handler({}, context('req-own')));
    const lines = out.stdoutLines();
    // Powertools itself drops the reserved keys (level, message, timestamp, service, sampling_rate) with a warning.
    expect(lines.map((l) => l.message)).toEqual([
      'The key "level" is a reserved key and will be dropped.',
      'The key "timestamp" is a reserved key and will be dropped.',
      'real',
    ]);
    const line = lines[2];
    expect(line).toMatchObject({
      level: 'INFO',
      message: 'real',
      function_request_id: 'req-own',
      field_function_request_id: 'forged-id',
      inherited: { own: 'yes' },
    });
    expect(line.timestamp).not.toBe('then');
    expect(line).not.toHaveProperty('field_level');
  });
});

describe('every line is bounded in size', () => {
  it(`an oversize line is cut under MAX_LINE_BYTES (${MAX_LINE_BYTES}): its own keys kept, the largest fields cut with their size`, async () => {
    const log = createLogger();
    const failures = Array.from({ length: 10_000 }, (_, i) => ({ index: i, id: `msg-${i}`, reason: `not JSON: ${'é'.repeat(40)}` }));
    const handler = middy(async () => {
      log.error('10000 records failed', { failures, batch: 'b-1' });
    }).use(logContext({ logger: log }));
    const out = await captureOutput(() => handler({}, context('req-big')));
    const raw = out.stdout.trim();
    expect(raw.split('\n')).toHaveLength(1);
    expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(MAX_LINE_BYTES);
    const [line] = out.stdoutLines();
    expect(line).toMatchObject({ level: 'ERROR', message: '10000 records failed', function_request_id: 'req-big', batch: 'b-1' });
    expect(line.line_truncated as number).toBeGreaterThan(Buffer.byteLength(JSON.stringify(failures)));
    expect(line.failures).toMatch(/^\[\{"index":0,"id":"msg-0",.*…\[truncated: \d+ bytes\]$/s);
    expect(line.failures).toContain(`…[truncated: ${Buffer.byteLength(JSON.stringify(failures))} bytes]`);
  });

  it('thousands of small fields (an object of 20,000 keys spread into the line): the ones that fit, and a count', async () => {
    const log = createLogger();
    const wide = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`key_${i}`, `value ${i} ${'y'.repeat(10)}`]));
    const out = await captureOutput(() => log.warn('wide', wide));
    const raw = out.stdout.trim();
    expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(MAX_LINE_BYTES);
    const [line] = out.stdoutLines();
    expect(line).toMatchObject({ level: 'WARN', message: 'wide', key_0: `value 0 ${'y'.repeat(10)}` });
    const kept = Object.keys(line).filter((k) => k.startsWith('key_'));
    expect(kept.length).toBeGreaterThan(5000);
    expect(kept.length + (line.fields_omitted as number)).toBe(20_000);
  });

  it('a message over MAX_MESSAGE_CHARS (8192, shared) in an oversize line is cut too; a line under the limit is untouched', async () => {
    const log = createLogger();
    const out = await captureOutput(() => {
      log.info('m'.repeat(300_000));
      log.info('small', { s: 'x'.repeat(1000) });
    });
    const [big, small] = out.stdoutLines();
    expect(big.message).toMatch(/^m{8192}…\[truncated: 291808 characters\]$/);
    expect(small).not.toHaveProperty('line_truncated');
    expect(small.s).toBe('x'.repeat(1000));
  });
});

describe('structural masking', () => {
  it('a whole-value secret is masked where it stands; the line stays JSON; non-secret numbers are intact', async () => {
    const SECRET = 'sk_live_51HxQ2eKx9';
    registerSecret(SECRET);
    const log = createLogger();
    const out = await captureOutput(() => log.info(`key ${SECRET}`, { key: SECRET, total: 154320, ok: true, nested: [{ k: SECRET }] }));
    const [line] = out.stdoutLines();
    expect(line).toMatchObject({ message: `key ${REDACTED}`, key: REDACTED, total: 154320, ok: true, nested: [{ k: REDACTED }] });
  });
});

describe('cold start with logEvent: the event line waits for secret loads in flight', () => {
  it('a secret registered by a load in flight is masked in the event line', async () => {
    const SECRET = 'db-pass-7f6e5d4c3b2a';
    // secrets()'s prefetch, still loading when the first invocation starts.
    trackSecretLoad(
      new Promise<void>((resolve) =>
        setTimeout(() => {
          registerSecret(SECRET);
          resolve();
        }, 50),
      ),
    );
    const log = createLogger();
    const handler = middy(async () => 'ok').use(logContext({ logger: log, logEvent: true }));
    const out = await captureOutput(() => handler({ password: SECRET }, { ...context('req-cold'), getRemainingTimeInMillis: () => 10_000 }));
    expect(out.stdout).not.toContain(SECRET);
    expect(out.stdoutLines()[0].event).toEqual({ password: REDACTED });
  });

  it('the wait is bounded by the remaining time less a margin: the event is withheld, the invocation goes on', async () => {
    const SECRET = 'never-loaded-1a2b3c4d';
    let release!: () => void;
    trackSecretLoad(new Promise<void>((resolve) => (release = resolve)));
    const log = createLogger();
    const handler = middy(async () => 'ok').use(logContext({ logger: log, logEvent: true }));
    const started = Date.now();
    const out = await captureOutput(() => handler({ password: SECRET }, { ...context('req-slow'), getRemainingTimeInMillis: () => 700 }));
    release();
    expect(out.result).toBe('ok');
    expect(Date.now() - started).toBeLessThan(5000); // bounded (200 ms here), not waiting for the load
    expect(out.stdout).not.toContain(SECRET);
    expect(out.stdoutLines()[0]).toMatchObject({ message: 'Lambda invocation event', event: EVENT_WITHHELD });
  });
});
