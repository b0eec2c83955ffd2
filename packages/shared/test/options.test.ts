import { describe, expect, it } from '@jest/globals';
import {
  OptionsError,
  formatIssuePath,
  thrownMessage,
  WHOLE_OPTIONS,
  is,
  isOptionsError,
  markOptionsError,
  nameErrorClass,
  optionsChecker,
  optionsErrorFields,
} from '@lambdaware/shared';

const thrown = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('did not throw');
};

describe('OptionsError', () => {
  it('carries package, fn, option, expected and the described value, in one message format', () => {
    const e = new OptionsError({ package: '@lambdaware/records', fn: 'records', option: 'concurrency', expected: 'an integer >= 1', value: '3' });
    expect(e.message).toBe('records(): option "concurrency" must be an integer >= 1, got "3"');
    expect(e).toMatchObject({ package: '@lambdaware/records', fn: 'records', option: 'concurrency', expected: 'an integer >= 1', given: '"3"' });
    expect(e.problem).toBe('must be an integer >= 1, got "3"');
    expect(e.name).toBe('OptionsError');
    expect(Object.keys(e)).toEqual([]);
    expect(e).toBeInstanceOf(Error);
  });

  it('a problem other than a wrong value, and the whole options argument', () => {
    const e = new OptionsError({ package: 'p', fn: 'f', option: 'x', problem: 'is not an option of f() (options: a, b)' });
    expect(e.message).toBe('f(): option "x" is not an option of f() (options: a, b)');
    expect(e.expected).toBeUndefined();
    expect(e.given).toBeUndefined();
    const whole = new OptionsError({ package: 'p', fn: 'f', option: WHOLE_OPTIONS, expected: 'an object', value: [1, 2] });
    expect(whole.message).toBe('f(): options must be an object, got an array of 2');
  });

  it('describes values String() cannot print and never prints a long string whole', () => {
    const e = new OptionsError({ package: 'p', fn: 'f', option: 'o', expected: 'a string', value: Object.create(null) });
    expect(e.message).toBe('f(): option "o" must be a string, got an object (null-prototype)');
    const long = new OptionsError({ package: 'p', fn: 'f', option: 'o', expected: 'short', value: 'x'.repeat(500) });
    expect(long.message.length).toBeLessThan(120);
    expect(new OptionsError({ package: 'p', fn: 'f', option: 'o', expected: 'set', value: undefined }).message).toBe(
      'f(): option "o" must be set, got undefined',
    );
  });

  it('subclasses keep their own instanceof and name; every marked error is an OptionsError', () => {
    class AOptionError extends OptionsError {}
    nameErrorClass(AOptionError, 'AOptionError');
    class BOptionError extends OptionsError {}
    nameErrorClass(BOptionError, 'BOptionError');
    const a = new AOptionError({ package: 'a', fn: 'a', option: 'x', problem: 'is bad' });
    expect(a).toBeInstanceOf(OptionsError);
    expect(a).toBeInstanceOf(AOptionError);
    expect(a).not.toBeInstanceOf(BOptionError);
    expect(a.name).toBe('AOptionError');
    expect(String(a)).toBe('AOptionError: a(): option "x" is bad');

    // a class that cannot extend it (SecretsError) is marked
    class Other extends Error {}
    const other = new Other('x');
    expect(other).not.toBeInstanceOf(OptionsError);
    markOptionsError(other, optionsErrorFields({ package: 'o', fn: 'o', option: 'y', expected: 'true or false', value: 1 }));
    expect(other).toBeInstanceOf(OptionsError);
    expect(isOptionsError(other)).toBe(true);
    expect(other).toMatchObject({ option: 'y', given: '1' });
    expect(isOptionsError(new Error('x'))).toBe(false);
    expect(isOptionsError(null)).toBe(false);
    expect(isOptionsError('options')).toBe(false);
  });
});

describe('is: the rules', () => {
  it.each([
    [is.boolean, 'true or false', [true, false], [0, 'true', undefined]],
    [is.integer(1), 'an integer >= 1', [1, 5], [0, 1.5, '3', NaN, 2 ** 60]],
    [is.integer(0, 10), 'an integer from 0 to 10', [0, 10], [-1, 11]],
    [is.number(0, 1), 'a number from 0 to 1', [0, 0.5, 1], [1.1, NaN, Infinity, '0.5']],
    [is.ms(), 'a number of milliseconds >= 0', [0, 1.5, 1000], [-1, Infinity, '5']],
    [is.ms(1), 'a number of milliseconds >= 1', [1], [0]],
    [is.string(), 'a non-empty string', ['a'], ['', 1]],
    [is.string(false), 'a string', ['', 'a'], [1, null]],
    [is.function('(record) => ...'), 'a function (record) => ...', [() => 1], ['f', {}]],
    [is.object, 'an object', [{}, new Map()], [null, [], 'x']],
    [is.oneOf(['json', 'text', 'bytes']), '"json", "text" or "bytes"', ['json', 'bytes'], ['JSON', 1]],
    [is.arrayOf(is.string()), 'an array of non-empty strings', [[], ['a']], [[''], 'a', [1]]],
    [is.custom('an even number', (v) => typeof v === 'number' && v % 2 === 0), 'an even number', [2], [3]],
  ])('%#: %p', (r, expected, good, bad) => {
    expect(r.expected).toBe(expected);
    for (const v of good) expect(r.test(v)).toBe(true);
    for (const v of bad) expect(r.test(v)).toBe(false);
  });
});

describe('optionsChecker', () => {
  class MyOptionError extends OptionsError {}
  nameErrorClass(MyOptionError, 'MyOptionError');
  const checker = optionsChecker('@me/pkg', 'mine', (init) => new MyOptionError(init));
  const rules = { size: is.integer(1), mode: is.oneOf(['a', 'b']), free: null };

  it('returns the options (or {} for undefined) when every option passes; undefined values are left to the defaults', () => {
    const o = { size: 2, mode: 'a', free: { anything: 1 } };
    expect(checker.options(o, rules)).toBe(o);
    expect(checker.options(undefined, rules)).toEqual({});
    expect(checker.options({ size: undefined }, rules)).toEqual({ size: undefined });
  });

  it('throws the package error naming the option, what was expected and what was given', () => {
    const e = thrown(() => checker.options({ size: 0 }, rules));
    expect(e).toBeInstanceOf(MyOptionError);
    expect(e).toBeInstanceOf(OptionsError);
    expect(e).toMatchObject({ package: '@me/pkg', fn: 'mine', option: 'size', expected: 'an integer >= 1', given: '0' });
    expect(e.message).toBe('mine(): option "size" must be an integer >= 1, got 0');
    expect(thrown(() => checker.options({ mode: 'c' }, rules)).message).toBe('mine(): option "mode" must be "a" or "b", got "c"');
  });

  it('an unknown option (even set to undefined) and a non-object options argument', () => {
    const unknown = thrown(() => checker.options({ sise: undefined }, rules));
    expect(unknown).toMatchObject({ option: 'sise', message: 'mine(): option "sise" is not an option of mine() (options: size, mode, free)' });
    for (const bad of [null, 'x', [1], 5]) {
      const e = thrown(() => checker.options(bad, rules));
      expect(e).toBeInstanceOf(MyOptionError);
      expect(e).toMatchObject({ option: WHOLE_OPTIONS, expected: 'an object' });
      expect(e.message).toMatch(/^mine\(\): options must be an object, got /);
    }
  });

  it('a nested object of options names its keys by path', () => {
    const e = thrown(() => checker.options({ size: 0 }, rules, 'fetch.db'));
    expect(e.message).toBe('mine(): option "fetch.db.size" must be an integer >= 1, got 0');
    expect(thrown(() => checker.options({ x: 1 }, rules, 'fetch.db')).message).toBe(
      'mine(): option "fetch.db.x" is not an option of "fetch.db" (options: size, mode, free)',
    );
    expect(thrown(() => checker.options('db', rules, 'fetch.db')).message).toBe('mine(): option "fetch.db" must be an object, got "db"');
  });

  it('check() for one (nested) value; error() for a problem the rules cannot say', () => {
    expect(() => checker.check('fetch.db.id', undefined, is.string())).not.toThrow();
    expect(thrown(() => checker.check('fetch.db.id', undefined, is.string(), false)).message).toBe(
      'mine(): option "fetch.db.id" must be a non-empty string, got undefined',
    );
    const e = checker.error('level', { problem: 'and "logLevel" are the same setting; give one' });
    expect(e).toBeInstanceOf(MyOptionError);
    expect(e.message).toBe('mine(): option "level" and "logLevel" are the same setting; give one');
  });

  it('the default factory makes a plain OptionsError', () => {
    const plain = optionsChecker('p', 'f');
    const e = thrown(() => plain.check('x', 'y', is.boolean));
    expect(e.constructor).toBe(OptionsError);
    expect(e.name).toBe('OptionsError');
  });
});

describe('thrownMessage and formatIssuePath', () => {
  it('the message of any thrown value, never throwing', () => {
    expect(thrownMessage(new TypeError('bad'))).toBe('bad');
    expect(thrownMessage(new TypeError('bad'), true)).toBe('TypeError: bad');
    expect(thrownMessage('plain')).toBe('plain');
    expect(thrownMessage(undefined)).toBe('undefined');
    expect(thrownMessage(Object.create(null))).toBe('[object Object]');
    const hostile = new Error('x');
    Object.defineProperty(hostile, 'message', {
      get: () => {
        throw new Error('no');
      },
    });
    expect(typeof thrownMessage(hostile)).toBe('string');
  });

  it('paths as JavaScript reaches them: identifiers dotted, indexes and other keys in brackets', () => {
    expect(formatIssuePath(['items', 0, { key: 'qty' }])).toBe('items[0].qty');
    expect(formatIssuePath(['headers', 'content-type'])).toBe('headers["content-type"]');
    expect(formatIssuePath([0])).toBe('[0]');
    expect(formatIssuePath([])).toBe('(root)');
    expect(formatIssuePath(undefined)).toBe('(root)');
    expect(formatIssuePath([Symbol('s')])).toBe('["Symbol(s)"]');
  });
});
