import { afterEach, describe, expect, it } from '@jest/globals';
import {
  REDACTED,
  clearSecrets,
  getLogSink,
  redactDeep,
  redactErrorInPlace,
  redactString,
  registerSecret,
  safeJsonReplacer,
  safeStringify,
  collectErrorValues,
  describeValue,
  safeString,
} from '@lambdaware/shared';
import { captureOutput } from '@lambdaware/testkit';

afterEach(() => clearSecrets());

describe('redaction registry', () => {
  it('masks every registered value, longest first, and JSON leaves of an object', () => {
    registerSecret({ token: 'xoxb-1234', nested: { pw: 'hunter22' }, short: 'ab', n: 12345 });
    registerSecret('xoxb-1234-extra');
    expect(redactString('a xoxb-1234-extra b xoxb-1234 c hunter22 ab 12345')).toBe(`a ${REDACTED} b ${REDACTED} c ${REDACTED} ab 12345`);
  });

  it('copies only what it must and masks keys, nested values and error messages', () => {
    registerSecret('s3cr3t-value');
    const err = new Error('failed with s3cr3t-value');
    const input = { ['k-s3cr3t-value']: 1, list: ['s3cr3t-value'], err };
    const out = redactDeep(input);
    expect(out).toEqual({ [`k-${REDACTED}`]: 1, list: [REDACTED], err: expect.any(Error) });
    expect((out.err as Error).message).toBe(`failed with ${REDACTED}`);
    expect((out.err as Error).stack).not.toContain('s3cr3t-value');
    expect(input.list[0]).toBe('s3cr3t-value');
  });

  it('returns the same object when nothing is registered', () => {
    const input = { a: 'b' };
    expect(redactDeep(input)).toBe(input);
  });
});

describe('safeStringify', () => {
  it('writes BigInt, cycles, errors, buffers, maps and sets', () => {
    const cyclic: Record<string, unknown> = { name: 'c' };
    cyclic.self = cyclic;
    const err = new Error('boom', { cause: 'root' }) as Error & { code?: string };
    err.code = 'E1';
    const parsed = JSON.parse(
      safeStringify({
        big: 2n ** 64n,
        cyclic,
        err,
        buf: Buffer.from('hi'),
        map: new Map([['k', 1]]),
        set: new Set([1, 2]),
        twice: [cyclic, cyclic],
      }),
    );
    expect(parsed.big).toBe('18446744073709551616');
    expect(parsed.cyclic).toEqual({ name: 'c', self: '[Circular]' });
    expect(parsed.err).toMatchObject({ name: 'Error', message: 'boom', code: 'E1', cause: 'root' });
    expect(parsed.buf).toBe('aGk=');
    expect(parsed.map).toEqual({ k: 1 });
    expect(parsed.set).toEqual([1, 2]);
    expect(parsed.twice).toEqual([
      { name: 'c', self: '[Circular]' },
      { name: 'c', self: '[Circular]' },
    ]);
  });

  it('writes a Map whose keys String() cannot convert (null prototype, no toString, throwing toPrimitive) with a safe key', () => {
    const nullProto = Object.create(null);
    const map = new Map<unknown, unknown>([
      [nullProto, 1],
      [{ toString: undefined }, 2],
      [
        {
          [Symbol.toPrimitive]: () => {
            throw new Error('no');
          },
        },
        3,
      ],
      [7n, 4],
      [Symbol('s'), 5],
      ['plain', 6],
    ]);
    const text = safeStringify({ map });
    expect(text).not.toContain('unserializable');
    const parsed = JSON.parse(text);
    // the three unprintable keys collapse to one tag (the last value wins, as with any duplicate key)
    expect(parsed.map).toEqual({ '[object Object]': 3, '7': 4, 'Symbol(s)': 5, plain: 6 });
    // through JSON.stringify with the replacer itself (what the logger does), not only the safeStringify fallback
    expect(JSON.parse(JSON.stringify({ k: new Map([[nullProto, 'v']]) }, safeJsonReplacer()))).toEqual({ k: { '[object Object]': 'v' } });
  });
});

describe('stderr fallback sink', () => {
  it('writes one redacted JSON line', async () => {
    registerSecret('pa55word!');
    const out = await captureOutput(() => getLogSink().log('warn', 'saw pa55word!', { requestId: 'r1' }));
    expect(out.stdout).toBe('');
    const lines = out.stderrLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'WARN', message: `saw ${REDACTED}`, requestId: 'r1' });
  });

  it('masks a secret that JSON escapes (quotes, backslashes) in the written line', async () => {
    registerSecret('p"w\\d-9');
    const out = await captureOutput(() => getLogSink().log('error', 'x', { detail: { pw: 'p"w\\d-9' } }));
    expect(out.stderr).not.toContain(JSON.stringify('p"w\\d-9').slice(1, -1));
    expect(out.stderrLines()[0]).toMatchObject({ detail: { pw: REDACTED } });
  });
});

describe('collectErrorValues', () => {
  const withValues = (e: Error, values: Record<string, unknown>): Error => Object.assign(e, { [Symbol.for('lambdaware.errorValues')]: values });

  it('merges a cause chain, the outer error winning, and survives a cycle', () => {
    const inner = withValues(new Error('inner'), { a: 1, b: 'inner' });
    const middle = new Error('middle', { cause: inner });
    const outer = withValues(new Error('outer', { cause: middle }), { b: 'outer', c: true });
    (inner as { cause?: unknown }).cause = outer;
    expect(collectErrorValues(outer)).toEqual({ a: 1, b: 'outer', c: true });
    expect(collectErrorValues('a string')).toEqual({});
    expect(collectErrorValues(null)).toEqual({});
  });
});

describe('safeString and describeValue never throw', () => {
  const unprintable = [
    Object.create(null),
    { toString: undefined, valueOf: undefined },
    {
      [Symbol.toPrimitive]: () => {
        throw new Error('no');
      },
    },
  ];

  it('safeString is String() where String() works, and the object tag where it throws', () => {
    for (const v of [undefined, null, 1, -0, 1n, true, 'x', Symbol('s'), [1, 2], new Date(0), { toString: () => 'me' }]) {
      expect(safeString(v)).toBe(String(v));
    }
    for (const v of unprintable) {
      expect(() => String(v)).toThrow();
      expect(safeString(v)).toBe('[object Object]');
    }
  });

  it('describeValue: strings quoted and cut, BigInt with n, functions, arrays, objects by constructor', () => {
    expect(describeValue('sqs')).toBe('"sqs"');
    expect(describeValue('x'.repeat(100), 5)).toBe('"xxxxx…"');
    expect(describeValue(12n)).toBe('12n');
    expect(describeValue(() => 1)).toBe('a function');
    expect(describeValue(Symbol('s'))).toBe('Symbol(s)');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(NaN)).toBe('NaN');
    expect(describeValue([1, 2])).toBe('an array of 2');
    expect(describeValue({ a: 1 })).toBe('an object');
    expect(describeValue(new Map())).toBe('an object (Map)');
    expect(describeValue(Object.create(null))).toBe('an object (null-prototype)');
    expect(describeValue({ constructor: 5 })).toBe('an object');
    for (const v of unprintable) expect(typeof describeValue(v)).toBe('string');
  });
});

describe('redactErrorInPlace', () => {
  it('masks message and stack along cause and errors, survives a cycle and a frozen error, keeps the object', () => {
    registerSecret('hunter2-xyz');
    const frozen = Object.freeze(new Error('frozen hunter2-xyz'));
    const inner = new AggregateError([frozen, new Error('b hunter2-xyz')], 'agg hunter2-xyz');
    const outer = new Error('outer hunter2-xyz', { cause: inner });
    (inner as { cause?: unknown }).cause = outer;
    redactErrorInPlace(outer);
    expect(outer.message).toBe(`outer ${REDACTED}`);
    expect(outer.stack).not.toContain('hunter2-xyz');
    expect(inner.message).toBe(`agg ${REDACTED}`);
    expect((inner.errors[1] as Error).message).toBe(`b ${REDACTED}`);
    expect(frozen.message).toBe('frozen hunter2-xyz');
    redactErrorInPlace('a string hunter2-xyz');
  });
});
