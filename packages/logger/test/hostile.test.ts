import { afterEach, describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import { REDACTED, clearSecrets, registerSecret, setLogSink } from '@lambdaware/shared';
import { captureOutput } from '@lambdaware/testkit';
import { createLogger, logContext } from '@lambdaware/logger';
import { context } from './helpers.js';

// Issue 20, "the logger never throws and never lies": any value, the line's own keys never taken from data,
// toJSON() honoured as JSON.stringify honours it, non-string messages masked.

afterEach(() => {
  clearSecrets();
  setLogSink(undefined);
});

const throwingProxy = () =>
  new Proxy(
    {},
    {
      get() {
        throw new Error('get trap');
      },
      ownKeys() {
        throw new Error('ownKeys trap');
      },
      getPrototypeOf() {
        throw new Error('getPrototypeOf trap');
      },
    },
  );
const revokedProxy = () => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};

describe('any value: the line is written, never a throw', () => {
  it('Proxies whose traps throw, revoked Proxies and throwing getters, as fields, with(), set(), extra and message', async () => {
    const log = createLogger();
    const getter = {
      ok: 1,
      get bad(): never {
        throw new Error('getter boom');
      },
    };
    const handler = middy(async () => {
      log.info('fields', { p: throwingProxy(), r: revokedProxy(), g: getter });
      log.with('p', throwingProxy()).with('r', revokedProxy()).warn('with');
      log.set('p', throwingProxy());
      log.appendKeys(throwingProxy() as never);
      log.error('set');
      log.info(throwingProxy());
      log.info(revokedProxy());
      log.info('extra', throwingProxy(), revokedProxy());
      return 'done';
    }).use(logContext({ logger: log }));
    const out = await captureOutput(() => handler({}, context('req-hostile')));
    expect(out.error).toBeUndefined();
    expect(out.result).toBe('done');
    const lines = out.stdoutLines();
    expect(lines.map((l) => l.message)).toEqual([
      'fields',
      'with',
      'set',
      '[Unreadable: Error: getPrototypeOf trap]',
      expect.stringMatching(/^\[Unreadable: TypeError: .*revoked/),
      'extra',
    ]);
    for (const l of lines) expect(l.function_request_id).toBe('req-hostile');
    expect(lines[0]).toMatchObject({ p: '[Unreadable: Error: getPrototypeOf trap]', g: { ok: 1, bad: '[Unreadable: Error: getter boom]' } });
    expect(lines[0].r).toMatch(/^\[Unreadable: TypeError: .*revoked/);
    expect(lines[1].p).toBe('[Unreadable: Error: getPrototypeOf trap]');
    expect(lines[2]).toMatchObject({ p: '[Unreadable: Error: getPrototypeOf trap]', keys_unreadable: '[Unreadable: Error: ownKeys trap]' });
  });

  it('null, undefined, numbers, booleans and BigInts as the message: written as text', async () => {
    const log = createLogger();
    const out = await captureOutput(() => {
      log.info(null as never);
      log.info(12345 as never);
      log.info(0 as never);
      log.info(false as never);
      log.info(12n as never);
      log.info(undefined as never);
      log.info(['a', 1] as never);
    });
    expect(out.error).toBeUndefined();
    expect(out.stdoutLines().map((l) => l.message)).toEqual(['null', '12345', '0', 'false', '12', '', '["a",1]']);
  });
});

describe('the line’s own keys come from the invocation only', () => {
  const ALL = {
    cold_start: 'forged',
    function_name: 'forged',
    function_arn: 'forged',
    function_memory_size: 1,
    xray_trace_id: 'forged',
    environment: 'forged',
    function_request_id: 'forged',
    correlation_id: 'forged',
    tenant_id: 'forged',
  };

  it('logged data, with() and set() never overwrite any of them: written as field_<key>', async () => {
    process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1';
    const log = createLogger({ environment: 'prod' });
    const handler = middy(async () => {
      log.info('data', ALL);
      let entry = log.with('k', 1);
      for (const [k, v] of Object.entries(ALL)) entry = entry.with(k, v);
      entry.info('with');
      for (const [k, v] of Object.entries(ALL)) log.set(k, v);
      log.info('set');
    }).use(logContext({ logger: log, correlationIdPath: 'id' }));
    const out = await captureOutput(() => handler({ id: 'corr-1' }, context('req-own')));
    delete process.env._X_AMZN_TRACE_ID;
    const lines = out.stdoutLines();
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line).toMatchObject({
        cold_start: expect.any(Boolean),
        function_name: 'orders-handler',
        function_arn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-handler',
        function_memory_size: '256',
        xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
        environment: 'prod',
        function_request_id: 'req-own',
        correlation_id: 'corr-1',
      });
      expect(line).not.toHaveProperty('tenant_id');
      for (const [k, v] of Object.entries(ALL)) expect(line[`field_${k}`]).toEqual(v);
    }
  });

  it('a payload’s function_request_id never becomes the request id, even before any invocation', async () => {
    const log = createLogger();
    const out = await captureOutput(() => log.info('init', { function_request_id: 'forged-id', cold_start: true }));
    const [line] = out.stdoutLines();
    expect(line).not.toHaveProperty('function_request_id');
    expect(line).not.toHaveProperty('cold_start');
    expect(line).toMatchObject({ field_function_request_id: 'forged-id', field_cold_start: true });
  });
});

describe('toJSON() honoured as JSON.stringify honours it', () => {
  it('a plain object’s toJSON is logged as what it returns: as a field, as extra input and as the message', async () => {
    const log = createLogger();
    const order = { id: 'o-1', internal: 'x', toJSON: () => ({ id: 'o-1' }) };
    const out = await captureOutput(() => {
      log.info('field', { order });
      log.info('extra', order);
      log.info({ message: 'form', toJSON: undefined, order });
      log.info({ toJSON: () => ({ message: 'from toJSON', shown: 1 }) } as never);
      log.info('throws', {
        v: {
          toJSON: () => {
            throw new Error('no json');
          },
        },
      });
    });
    const [field, extra, form, asMessage, throws] = out.stdoutLines();
    expect(field.order).toEqual({ id: 'o-1' });
    expect(extra).toMatchObject({ message: 'extra', id: 'o-1' });
    expect(extra).not.toHaveProperty('internal');
    expect(form.order).toEqual({ id: 'o-1' });
    expect(asMessage).toMatchObject({ message: 'from toJSON', shown: 1 });
    expect(asMessage).not.toHaveProperty('toJSON');
    expect(throws.v).toBe('[Unreadable: Error: no json]');
    for (const l of [field, extra, form, asMessage]) expect(JSON.stringify(l)).toBe(JSON.stringify(JSON.parse(JSON.stringify(l))));
  });
});

describe('non-string messages are masked', () => {
  it('{ message: { token } }, { message: [token] } and an object message print no secret', async () => {
    const TOKEN = 'tok-7f6e5d4c3b2a1';
    registerSecret(TOKEN);
    const log = createLogger();
    const out = await captureOutput(() => {
      log.info({ message: { token: TOKEN } } as never);
      log.info({ message: [TOKEN] } as never);
      log.info({ token: TOKEN } as never);
      log.info([TOKEN] as never);
    });
    expect(out.stdout).not.toContain(TOKEN);
    expect(out.stdoutLines().map((l) => [l.message, l.token])).toEqual([
      [`{"token":"${REDACTED}"}`, undefined],
      [`["${REDACTED}"]`, undefined],
      ['', REDACTED],
      [`["${REDACTED}"]`, undefined],
    ]);
  });
});

describe('createChild()', () => {
  it('takes a level of its own (level or logLevel) over the parent’s', async () => {
    const parent = createLogger({ level: 'warn', persistentKeys: { team: 'a' } });
    const child = parent.createChild({ logLevel: 'DEBUG', persistentKeys: { part: 'child' } });
    const out = await captureOutput(() => {
      child.debug('child debug');
      parent.debug('parent debug');
    });
    expect(out.stdoutLines()).toEqual([expect.objectContaining({ message: 'child debug', team: 'a', part: 'child' })]);
  });
});
