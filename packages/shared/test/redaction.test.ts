// Structural masking (issue 14): values are masked where they are values, before serialization; text secrets inside
// text, whole-value secrets (short, number-like, numbers) only where a value is exactly the secret.
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  REDACTED,
  KEYS,
  classifySecret,
  clearSecrets,
  hasSecrets,
  redactDeep,
  redactJsonText,
  redactString,
  redactThrown,
  registerSecret,
  safeStringify,
} from '@lambdaware/shared';

afterEach(() => clearSecrets());

describe('which values are secret', () => {
  it('classifies: 6+ character non-literal strings inside text, short/number-like strings and numbers as whole values', () => {
    expect(classifySecret('pw-Zq81x')).toBe('text');
    expect(classifySecret('admin')).toBe('whole');
    expect(classifySecret('5432')).toBe('whole');
    expect(classifySecret('1234567890')).toBe('whole');
    expect(classifySecret('true')).toBe('whole');
    expect(classifySecret(482913)).toBe('whole');
    expect(classifySecret('')).toMatch(/empty string/);
    expect(classifySecret(true)).toMatch(/boolean/);
    expect(classifySecret(null)).toMatch(/null/);
  });

  it('registers only the paths named by redact, minus notSecret, and reports what cannot be masked', () => {
    const rds = { username: 'admin', password: 'Xk9#pa55-rds', engine: 'postgres', host: 'localhost', port: 5432, dbname: 'orders' };
    expect(registerSecret(rds, { redact: ['password'] })).toEqual({ text: 1, whole: 0, unmasked: [] });
    expect(redactString('postgres://admin:Xk9#pa55-rds@localhost:5432/orders')).toBe(`postgres://admin:${REDACTED}@localhost:5432/orders`);
    clearSecrets();
    registerSecret({ db: { user: 'app-user-1', pw: 'pw-aaaaaaa' }, region: 'eu-west-1' }, { redact: ['db'], notSecret: ['db.user'] });
    expect(redactString('app-user-1 pw-aaaaaaa eu-west-1')).toBe(`app-user-1 ${REDACTED} eu-west-1`);
    expect(registerSecret({ a: '', b: null, c: true, d: 'ok-secret-1' }).unmasked.map((u) => u.path)).toEqual(['a', 'b', 'c']);
    expect(registerSecret({}).unmasked).toEqual([{ path: '', reason: 'an empty object: nothing to mask' }]);
    expect(registerSecret([]).unmasked[0]!.reason).toMatch(/empty array/);
  });

  it('a 1 MB secret is masked; bytes are registered as their base64; nothing registered is a no-op', () => {
    expect(hasSecrets()).toBe(false);
    const big = 'b'.repeat(1024 * 1024);
    registerSecret(big);
    expect(redactString(`x${big}y`)).toBe(`x${REDACTED}y`);
    const bytes = new Uint8Array([0xff, 0xfe, 0x00, 0x81, 0x90]);
    registerSecret(bytes);
    expect(redactDeep({ b: Buffer.from(bytes) })).toEqual({ b: REDACTED });
    expect(redactString(`bytes ${Buffer.from(bytes).toString('base64')}`)).toBe(`bytes ${REDACTED}`);
  });
});

describe('redactDeep: structural', () => {
  it('"true" and "5432" never break a line nor cut a number; string values that are exactly the secret are masked', () => {
    registerSecret({ flag: 'true', port: '5432' });
    const line = { cold_start: true, total: 154320, port: 5432, portText: '5432', flag: 'true', note: 'port 5432 is true', ids: [5432, 15432] };
    const out = redactDeep(line);
    // a string secret masks strings: the number 5432 is not the string "5432"
    expect(out).toEqual({ cold_start: true, total: 154320, port: 5432, portText: REDACTED, flag: REDACTED, note: 'port 5432 is true', ids: [5432, 15432] });
    expect(() => JSON.parse(safeStringify(out))).not.toThrow();
  });

  it('a number secret masks the numbers equal to it and the strings that are exactly its decimal text', () => {
    registerSecret({ pin: 482913, big: 12345678901234567890n });
    expect(redactDeep({ pin: 482913, s: '482913', near: 4829130, f: 482913.5, b: 12345678901234567890n, note: 'pin 482913' })).toEqual({
      pin: REDACTED,
      s: REDACTED,
      near: 4829130,
      f: 482913.5,
      b: REDACTED,
      note: 'pin 482913',
    });
  });

  it('text secrets inside strings (raw, JSON-escaped in a body), and in keys; whole-value secrets never mask keys', () => {
    registerSecret({ token: 'tok-"9f8e\\7d6', pin: 'ab1' });
    const body = JSON.stringify({ auth: 'tok-"9f8e\\7d6', nested: JSON.stringify({ t: 'tok-"9f8e\\7d6' }) });
    const out = redactDeep({ body, ['Bearer tok-"9f8e\\7d6']: 1, ab1: 'ab1', msg: 'ab1c' });
    expect(out).toEqual({ body: `{"auth":"${REDACTED}","nested":"{\\"t\\":\\"${REDACTED}\\"}"}`, [`Bearer ${REDACTED}`]: 1, ab1: REDACTED, msg: 'ab1c' });
  });

  it('copies only what changes', () => {
    registerSecret('only-this-secret');
    const untouched = { a: { b: [1, 2, 'x'] } };
    const input = { untouched, hit: { s: 'only-this-secret' } };
    const out = redactDeep(input);
    expect(out.untouched).toBe(untouched);
    expect(out.hit).toEqual({ s: REDACTED });
    expect(input.hit.s).toBe('only-this-secret');
    const clean = { x: 1, y: ['a'] };
    expect(redactDeep(clean)).toBe(clean);
  });

  it('never overflows: a 10,000-level object is walked and its secret at the bottom masked', () => {
    registerSecret('deep-secret-value');
    let deep: Record<string, unknown> = { s: 'deep-secret-value' };
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    let out = redactDeep(deep) as Record<string, unknown>;
    for (let i = 0; i < 10_000; i++) out = out.d as Record<string, unknown>;
    expect(out).toEqual({ s: REDACTED });
  });

  it('cycles: a copied object writes [Circular]; an untouched cyclic object is returned as it is', () => {
    registerSecret('cyclic-secret');
    const a: Record<string, unknown> = { s: 'cyclic-secret' };
    a.self = a;
    expect(redactDeep(a)).toEqual({ s: REDACTED, self: '[Circular]' });
    const b: Record<string, unknown> = { s: 'clean' };
    b.self = b;
    expect(redactDeep(b)).toBe(b);
    const shared = { s: 'cyclic-secret' };
    expect(redactDeep({ x: shared, y: shared })).toEqual({ x: { s: REDACTED }, y: { s: REDACTED } });
    // a value sharing one object 2^40 ways is walked once per object, not once per path
    let dag: Record<string, unknown> = { s: 'cyclic-secret' };
    for (let i = 0; i < 40; i++) dag = { a: dag, b: dag };
    let out = redactDeep(dag) as Record<string, unknown>;
    for (let i = 0; i < 40; i++) out = out.b as Record<string, unknown>;
    expect(out).toEqual({ s: REDACTED });
    const clean: Record<string, unknown>[] = [{ n: 1 }];
    for (let i = 0; i < 40; i++) clean.push({ a: clean[i], b: clean[i] });
    expect(redactDeep(clean.at(-1))).toBe(clean.at(-1));
  });

  it('class instances (own properties, or what toJSON gives), Maps, Sets, errors with every own property', () => {
    registerSecret('Bearer tok-abc123');
    class Headers {
      constructor(public Authorization: string) {}
    }
    class JsonHeaders {
      #h = { Authorization: 'Bearer tok-abc123' };
      toJSON() {
        return { ...this.#h };
      }
    }
    const err = Object.assign(new Error('failed: Bearer tok-abc123'), { config: { headers: new Headers('Bearer tok-abc123') } });
    (err as Error & Record<symbol, unknown>)[KEYS.sentryEventId] = 'evt-1';
    const out = redactDeep({
      h: new Headers('Bearer tok-abc123'),
      j: new JsonHeaders(),
      m: new Map([['k', 'Bearer tok-abc123']]),
      s: new Set(['Bearer tok-abc123']),
      err,
      date: new Date(0),
    });
    expect(out.h).toBeInstanceOf(Headers);
    expect(out.h.Authorization).toBe(REDACTED);
    expect(out.j).toEqual({ Authorization: REDACTED });
    expect([...out.m]).toEqual([['k', REDACTED]]);
    expect([...out.s]).toEqual([REDACTED]);
    expect(out.err).toBeInstanceOf(Error);
    expect(out.err.message).toBe(`failed: ${REDACTED}`);
    expect(out.err.stack).not.toContain('tok-abc123');
    expect((out.err as unknown as { config: { headers: Headers } }).config.headers.Authorization).toBe(REDACTED);
    expect((out.err as Error & Record<symbol, unknown>)[KEYS.sentryEventId]).toBe('evt-1');
    expect(out.date).toBeInstanceOf(Date);
    expect(err.message).toBe('failed: Bearer tok-abc123'); // the original is not changed
  });
});

describe('redactThrown: what aws-lambda-ric prints', () => {
  // what the runtime writes (text format: toFormatted; JSON format: jsonErrorReplacer) for a thrown error:
  // JSON.stringify with every Error turned into { errorType, errorMessage, code, ...own enumerable, stack }
  const ricText = (e: unknown): string => {
    const err = e instanceof Error ? e : new Error(String(e));
    return JSON.stringify(err, (_k, v: unknown) =>
      v instanceof Error
        ? Object.assign({ errorType: v.name, errorMessage: v.message, code: (v as { code?: unknown }).code }, v, { stack: v.stack?.split('\n') })
        : v,
    );
  };
  const TOKEN = 'tok-9f8e7d6c5b';

  it('masks nested properties, an assigned cause, AggregateError members, in place', () => {
    registerSecret(TOKEN);
    const http = Object.assign(new Error('Request failed with status code 401'), {
      config: { headers: { Authorization: `Bearer ${TOKEN}` } },
      token: TOKEN,
    });
    const wrapped = new Error('outer');
    (wrapped as { cause?: unknown }).cause = Object.assign(new Error('inner'), { token: TOKEN });
    const agg = new AggregateError([http, new Error(`member ${TOKEN}`)], `agg ${TOKEN}`);
    for (const e of [http, wrapped, agg]) {
      expect(redactThrown(e)).toBe(e);
      expect(ricText(e)).not.toContain(TOKEN);
    }
    expect(http.config.headers.Authorization).toBe(`Bearer ${REDACTED}`);
    expect(agg.message).toBe(`agg ${REDACTED}`);
    expect((agg.errors[1] as Error).message).toBe(`member ${REDACTED}`);
    expect(String((agg.errors[1] as Error).stack)).not.toContain(TOKEN);
  });

  it('a thrown string, number and plain object come back masked; a frozen error as a masked copy', () => {
    registerSecret({ token: TOKEN, pin: 482913 });
    expect(redactThrown(`bad token ${TOKEN}`)).toBe(`bad token ${REDACTED}`);
    expect(redactThrown(482913)).toBe(REDACTED);
    expect(redactThrown({ token: TOKEN, n: 1 })).toEqual({ token: REDACTED, n: 1 });
    const frozen = Object.freeze(Object.assign(new Error(`frozen ${TOKEN}`), { pin: 482913 }));
    const out = redactThrown(frozen) as Error & { pin: unknown };
    expect(out).not.toBe(frozen);
    expect(out).toBeInstanceOf(Error);
    expect(out.message).toBe(`frozen ${REDACTED}`);
    expect(out.pin).toBe(REDACTED);
    expect(ricText(out)).not.toContain(TOKEN);
  });

  it('a cause cycle and a throwing getter do not throw', () => {
    registerSecret(TOKEN);
    const a = new Error(`a ${TOKEN}`);
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    Object.defineProperty(b, 'boom', {
      enumerable: true,
      get: () => {
        throw new Error('no');
      },
    });
    expect(redactThrown(b)).toBe(b);
    expect(a.message).toBe(`a ${REDACTED}`);
  });

  it('is the identity without secrets', () => {
    const e = new Error('x');
    expect(redactThrown(e)).toBe(e);
    expect(redactThrown('s')).toBe('s');
  });
});

describe('redactJsonText (for writers that serialize first)', () => {
  it('masks whole JSON tokens only and keeps the text JSON', () => {
    registerSecret({ flag: 'true', port: '5432', pw: 'p"w\\d-9x', pin: 4321 });
    const text = JSON.stringify({ cold_start: true, total: 154320, port: 5432, p: '5432', flag: 'true', pw: 'p"w\\d-9x', a: [5432, 4321, 14321], pin: '4321' });
    const out = redactJsonText(text);
    expect(JSON.parse(out)).toEqual({
      cold_start: true,
      total: 154320,
      port: 5432,
      p: REDACTED,
      flag: REDACTED,
      pw: REDACTED,
      a: [5432, REDACTED, 14321],
      pin: REDACTED,
    });
  });
});

describe('redactJsonText: a tokenizer, not a text replacement', () => {
  it('never touches a key, a part of a string, or a number inside a string, whatever the secret', () => {
    registerSecret({ a: 5, b: 'ab', c: '1e3' });
    const value = { ab: 'x', s: 'a:5,"ab",1e3]', n: [5, 15, 1e3, 1000, -5], t: 'ab', u: '5', k: { '5': 5 } };
    const out = JSON.parse(redactJsonText(JSON.stringify(value)));
    expect(out).toEqual({ ab: 'x', s: 'a:5,"ab",1e3]', n: [REDACTED, 15, 1000, 1000, -5], t: REDACTED, u: REDACTED, k: { '5': REDACTED } });
  });
});
