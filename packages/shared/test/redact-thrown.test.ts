// redactThrown follows what JSON.stringify prints (the runtime's Invoke Error line, aws-lambda-ric's replacer):
// property names, toJSON results (own, inherited, nested, reading private fields), and stays linear and capped for
// hostile shapes (a 5,000-deep cause chain, 100,000 members).
import { afterEach, describe, expect, it } from '@jest/globals';
import { REDACTED, clearSecrets, redactDeep, redactThrown, registerSecret } from '@lambdaware/shared';

const S = 'tok-thrown-91ac3e7d';
afterEach(() => clearSecrets());

/** What aws-lambda-ric prints for an error (its `toFormatted`). */
const printed = (error: unknown): string =>
  JSON.stringify(error, (_k, v) =>
    v instanceof Error
      ? Object.assign({ errorType: v.name, errorMessage: v.message, code: (v as { code?: unknown }).code }, v, { stack: v.stack?.split('\n') })
      : v,
  );

class Request {
  #headers: Record<string, string>;
  constructor(headers: Record<string, string>) {
    this.#headers = headers;
  }
  toJSON() {
    return { headers: this.#headers };
  }
}

describe('redactThrown: masking follows serialisation', () => {
  it('renames an own property whose name holds a secret, in place', () => {
    registerSecret(S);
    const e = Object.assign(new Error('bad header'), { [`x-${S}`]: 'present', code: 'E1' });
    expect(redactThrown(e)).toBe(e);
    expect(Object.keys(e)).toEqual(['code', `x-${REDACTED}`]);
    expect(printed(e)).not.toContain(S);
  });

  it("masks what the error's own or inherited toJSON returns, and a nested plain object's toJSON", () => {
    registerSecret(S);
    class WithToJSON extends Error {
      toJSON() {
        return { token: S };
      }
    }
    const inherited = new WithToJSON('x');
    const own = Object.assign(new Error('y'), { toJSON: () => ({ token: S }) });
    const nested = Object.assign(new Error('z'), { request: { url: '/x', toJSON: () => ({ auth: `Bearer ${S}` }) } });
    for (const e of [inherited, own, nested]) expect(redactThrown(e)).toBe(e);
    expect(printed(inherited)).toBe(JSON.stringify({ token: REDACTED }));
    expect(printed(own)).toBe(JSON.stringify({ token: REDACTED }));
    expect(printed(nested)).toContain(`"auth":"Bearer ${REDACTED}"`);
    expect(printed(nested)).not.toContain(S);
  });

  it('masks private state a nested class instance surfaces through toJSON (redactDeep too)', () => {
    registerSecret(S);
    const e = Object.assign(new Error('upstream failed'), { request: new Request({ authorization: `Bearer ${S}` }) });
    redactThrown(e);
    expect(printed(e)).toContain(`"authorization":"Bearer ${REDACTED}"`);
    expect(JSON.stringify(redactDeep({ r: new Request({ a: S }) }))).toBe(JSON.stringify({ r: { headers: { a: REDACTED } } }));
  });
});

describe('redactThrown: bounded cost', () => {
  it('a 5,000-deep cause chain: the same error back, no RangeError, the first causes masked', () => {
    registerSecret(S);
    let e = new Error(`root ${S}`);
    for (let i = 0; i < 5000; i++) e = new Error(`level ${i} ${i > 4990 ? S : ''}`, { cause: e });
    expect(redactThrown(e)).toBe(e);
    expect(e.message).toBe(`level 4999 ${REDACTED}`);
    expect(((e.cause as Error).cause as Error).message).toBe(`level 4997 ${REDACTED}`);
  });

  it('100,000 members: the same error back, the first members masked', () => {
    registerSecret(S);
    const e = new AggregateError(
      Array.from({ length: 100_000 }, (_, i) => new Error(`member ${i} ${S}`)),
      `many ${S}`,
    );
    expect(redactThrown(e)).toBe(e);
    expect(e.message).toBe(`many ${REDACTED}`);
    expect(e.errors[0].message).toBe(`member 0 ${REDACTED}`);
    expect(e.errors[998].message).toBe(`member 998 ${REDACTED}`);
  });
});
