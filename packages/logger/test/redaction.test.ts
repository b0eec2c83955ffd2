import { afterEach, describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import { REDACTED, clearSecrets, getLogSink, registerSecret, setLogSink } from '@lambdaware/shared';
import { captureOutput } from '@lambdaware/testkit';
import { createLogger, logContext } from '@lambdaware/logger';
import { context } from './helpers.js';

afterEach(() => {
  clearSecrets();
  setLogSink(undefined);
});

const SECRET = 'sk_live_51HxQ2eKx9';

describe('a registered secret never appears in a line', () => {
  it('is masked in the message, nested fields, keys, error messages and stacks', async () => {
    registerSecret(SECRET);
    const log = createLogger();
    const err = new Error(`charge failed with key ${SECRET}`, { cause: new Error(`inner ${SECRET}`) });
    const out = await captureOutput(() => {
      log.info(`using ${SECRET}`);
      log.with('config', { stripe: { key: SECRET, list: [`a-${SECRET}-b`] } }).warn('nested');
      log.error('failed', err);
      log.info('as key', { [`k_${SECRET}`]: 1 });
      log.info('in a map', { m: new Map([['key', SECRET]]), s: new Set([SECRET]) });
    });
    expect(out.stdout).not.toContain(SECRET);
    const [msg, nested, failed, key, map] = out.stdoutLines();
    expect(msg.message).toBe(`using ${REDACTED}`);
    expect(nested.config).toEqual({ stripe: { key: REDACTED, list: [`a-${REDACTED}-b`] } });
    const error = failed.error as { message: string; stack: string; cause: { message: string; stack: string } };
    expect(error.message).toBe(`charge failed with key ${REDACTED}`);
    expect(error.stack).toContain(`Error: charge failed with key ${REDACTED}\n    at `);
    expect(error.cause.message).toBe(`inner ${REDACTED}`);
    expect(error.cause.stack).toContain(`inner ${REDACTED}`);
    expect(Object.keys(key)).toContain(`k_${REDACTED}`);
    expect(map).toMatchObject({ m: { key: REDACTED }, s: [REDACTED] });
  });

  it('is masked when JSON escapes it (quotes, backslashes, newlines) and inside a JSON string body', async () => {
    const tricky = 'p"ss\\w0rd\nline2';
    registerSecret(tricky);
    const log = createLogger();
    const out = await captureOutput(() => {
      log.info('escaped', { password: tricky, body: JSON.stringify({ password: tricky }) });
    });
    const line = out.stdoutLines()[0];
    expect(line.password).toBe(REDACTED);
    expect(JSON.parse(line.body as string)).toEqual({ password: REDACTED });
    expect(out.stdout).not.toContain(JSON.stringify(tricky).slice(1, -1));
  });

  it('is masked in the event line, the response line and the sink line of an invocation, and in a set() field', async () => {
    registerSecret({ apiKey: SECRET });
    const log = createLogger();
    const handler = middy(async () => {
      log.set('auth', { key: SECRET });
      getLogSink().log('warn', `retrying with ${SECRET}`, { error: { message: SECRET } });
      return { echoed: SECRET };
    }).use(logContext({ logger: log, logEvent: true, logResponse: true }));
    const out = await captureOutput(() => handler({ headers: { 'x-api-key': SECRET } }, context('req-r')));
    expect(out.stdoutLines()).toHaveLength(3);
    expect(out.stdout).not.toContain(SECRET);
    const [event, sink, response] = out.stdoutLines();
    expect(event.event).toEqual({ headers: { 'x-api-key': REDACTED } });
    expect(sink).toMatchObject({ message: `retrying with ${REDACTED}`, error: { message: REDACTED }, auth: { key: REDACTED } });
    expect(response).toMatchObject({ response: { echoed: REDACTED }, auth: { key: REDACTED } });
  });

  it('a line with no secret registered is written as it is', async () => {
    const log = createLogger();
    const out = await captureOutput(() => log.info(`not secret ${SECRET}`));
    expect(out.stdoutLines()[0].message).toBe(`not secret ${SECRET}`);
  });
});

describe('values that break naive JSON logging are written safely', () => {
  it('BigInt, circular references, Errors in fields, Buffers, Maps, Sets, functions, symbols', async () => {
    const log = createLogger();
    const circular: Record<string, unknown> = { name: 'root' };
    circular.self = circular;
    const order = { id: 'o-1', items: [] as unknown[] };
    order.items.push({ parent: order });
    class Failure extends Error {
      code = 'E_FAIL';
    }
    const out = await captureOutput(() => {
      log
        .with('big', 2n ** 70n)
        .with('circular', circular)
        .with('order', order)
        .with('nestedError', { inner: new Failure('nested failure') })
        .with('buf', Buffer.from('hello'))
        .with(
          'map',
          new Map<unknown, unknown>([
            ['a', 1],
            [2, { deep: 3n }],
          ]),
        )
        .with('set', new Set(['x', 'y']))
        .with('fn', function namedFn() {})
        .with('sym', Symbol('s'))
        .info('unsafe');
      log.set('alsoCircular', circular);
      log.info('set field');
      log.clearInvocation();
    });
    const [line, setLine] = out.stdoutLines();
    expect(line).toMatchObject({
      message: 'unsafe',
      big: '1180591620717411303424',
      circular: { name: 'root', self: '[Circular]' },
      order: { id: 'o-1', items: [{ parent: '[Circular]' }] },
      nestedError: { inner: { name: 'Error', message: 'nested failure', code: 'E_FAIL' } },
      buf: Buffer.from('hello').toString('base64'),
      map: { a: 1, 2: { deep: '3' } },
      set: ['x', 'y'],
      fn: '[Function namedFn]',
      sym: 'Symbol(s)',
    });
    expect((line.nestedError as { inner: { stack: string } }).inner.stack).toContain('nested failure');
    expect(setLine.alsoCircular).toEqual({ name: 'root', self: '[Circular]' });
  });

  it('a shared (non-circular) reference is written twice, not marked circular', async () => {
    const log = createLogger();
    const shared = { v: 1 };
    const out = await captureOutput(() => log.info('shared', { a: shared, b: shared, list: [shared, shared] }));
    expect(out.stdoutLines()[0]).toMatchObject({ a: { v: 1 }, b: { v: 1 }, list: [{ v: 1 }, { v: 1 }] });
  });
});
