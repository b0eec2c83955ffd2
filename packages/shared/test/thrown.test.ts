import { describe, expect, it } from '@jest/globals';
import { thrownMessage } from '@lambdaware/shared';

describe('thrownMessage', () => {
  it('gives the message of an Error or an error-like object, a string as is, anything else as text', () => {
    expect(thrownMessage(new TypeError('bad type'))).toBe('bad type');
    expect(thrownMessage({ message: 'object message' })).toBe('object message');
    expect(thrownMessage('a string')).toBe('a string');
    expect(thrownMessage(undefined)).toBe('undefined');
    expect(thrownMessage(42)).toBe('42');
    expect(thrownMessage(Symbol('s'))).toBe('Symbol(s)');
    expect(thrownMessage({ message: 3 })).toBe('[object Object]');
  });

  it('never throws: a throwing message getter, a null-prototype object, a throwing toString', () => {
    const getter = Object.defineProperty(new Error('x'), 'message', { get: () => { throw new Error('no'); } });
    expect(typeof thrownMessage(getter)).toBe('string');
    expect(thrownMessage(Object.create(null))).toBe('[object Object]');
    expect(thrownMessage({ toString: () => { throw new Error('no'); } })).toBe('[object Object]');
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(typeof thrownMessage(revoked.proxy)).toBe('string');
  });
});
