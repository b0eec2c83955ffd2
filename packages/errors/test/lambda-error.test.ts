import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { KEYS, collectErrorValues } from '@lambdaware/shared';
import { LambdaError, newError, serializeError, wrapError } from '@lambdaware/errors';

describe('LambdaError', () => {
  it('is an Error named after its class, with .with() chaining and returning the same error', () => {
    const e = newError('oops');
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(LambdaError);
    expect(e.name).toBe('LambdaError');
    expect(e.message).toBe('oops');
    expect(e.with('trigger', 'x').with('n', 1)).toBe(e);
    expect(e.values).toEqual({ trigger: 'x', n: 1 });
    expect(String(e.stack).split('\n')[0]).toBe('LambdaError: oops');
  });

  it("stores the error's own values non-enumerably at KEYS.errorValues", () => {
    const e = newError('oops').with('a', 1);
    expect((e as unknown as Record<symbol, unknown>)[KEYS.errorValues]).toEqual({ a: 1 });
    expect(Object.keys(e)).toEqual([]);
    expect(JSON.stringify({ ...e })).toBe('{}');
  });

  it('merges values across a three-level wrap chain, the outer error winning', () => {
    const inner = newError('connection refused').with('host', 'db1').with('attempt', 1).with('table', 'users');
    const middle = wrapError(inner, 'query failed').with('attempt', 2).with('sql', 'select 1');
    const outer = wrapError(middle, 'handler failed').with('attempt', 3).with('user', 'u-7');
    expect(outer.cause).toBe(middle);
    expect(middle.cause).toBe(inner);
    const expected = { host: 'db1', table: 'users', sql: 'select 1', attempt: 3, user: 'u-7' };
    expect(outer.values).toEqual(expected);
    expect(middle.values).toEqual({ host: 'db1', table: 'users', sql: 'select 1', attempt: 2 });
    // The shared helper (what @lambdaware/sentry uses) agrees.
    expect(collectErrorValues(outer)).toEqual(expected);
    const s = serializeError(outer);
    expect(s.values).toEqual(expected);
    expect(s.cause?.values).toEqual(middle.values);
    expect(s.cause?.cause?.values).toEqual({ host: 'db1', attempt: 1, table: 'users' });
  });

  it('merges values through plain Errors in the middle of the chain', () => {
    const inner = newError('a').with('k', 'inner').with('only', 'inner');
    const plain = new Error('plain', { cause: inner });
    const outer = wrapError(plain, 'outer').with('k', 'outer');
    expect(outer.values).toEqual({ k: 'outer', only: 'inner' });
  });

  it('wrapError takes any thrown value, and defaults the message to the cause', () => {
    expect(wrapError(new TypeError('bad type')).message).toBe('bad type');
    expect(wrapError('a string').message).toBe('a string');
    expect(wrapError({ message: 'object message' }).message).toBe('object message');
    expect(wrapError(undefined).message).toBe('undefined');
    expect(wrapError(42, 'explicit').message).toBe('explicit');
    const w = wrapError(null);
    expect(w.cause).toBeNull();
    expect('cause' in w).toBe(true);
  });

  it('starts the stack at the caller of newError/wrapError, not inside the package', () => {
    const e = newError('here');
    const frames = serializeError(e).stacktrace;
    expect(frames[0].file).toMatch(/lambda-error\.test\.ts$/);
    const w = wrapError(e);
    expect(serializeError(w).stacktrace[0].file).toMatch(/lambda-error\.test\.ts$/);
  });

  it('names subclasses after themselves', () => {
    class NotFound extends LambdaError {}
    const e = new NotFound('missing').with('id', 3);
    expect(e.name).toBe('NotFound');
    expect(serializeError(e)).toMatchObject({ type: 'NotFound', message: 'missing', values: { id: 3 } });
  });

  it('a subclass sets its name with static errorName; its subclasses without one are named after their class', () => {
    class NotFoundError extends LambdaError {
      static override readonly errorName = 'NotFoundError';
    }
    class Renamed extends NotFoundError {}
    const e = new NotFoundError('missing');
    expect(e.name).toBe('NotFoundError');
    expect(Object.keys(e)).not.toContain('name');
    expect(serializeError(e).type).toBe('NotFoundError');
    expect(new Renamed('x').name).toBe('Renamed');
    expect(new LambdaError('x').name).toBe('LambdaError');
    expect(newError('x').name).toBe('LambdaError');
    expect(wrapError(new Error('x')).name).toBe('LambdaError');
  });

  it('keeps its name through a minifier that renames classes (esbuild minify, no keepNames)', async () => {
    const { build } = await import('esbuild');
    const dir = mkdtempSync(join(tmpdir(), 'lw-minify-'));
    try {
      const entry = join(dir, 'entry.mjs');
      writeFileSync(
        entry,
        [
          `import { LambdaError, newError } from ${JSON.stringify(fileURLToPath(new URL('../src/index.ts', import.meta.url)))};`,
          `class NotFoundError extends LambdaError { static errorName = 'NotFoundError'; }`,
          `class Unnamed extends LambdaError {}`,
          `export const names = { className: LambdaError.name, base: new LambdaError('x').name, made: newError('x').name,`,
          `  sub: new NotFoundError('x').name, unnamedClass: Unnamed.name, unnamed: new Unnamed('x').name };`,
        ].join('\n'),
      );
      const out = join(dir, 'out.mjs');
      await build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', platform: 'node', outfile: out, logLevel: 'silent' });
      const { names } = (await import(pathToFileURL(out).href)) as { names: Record<string, string> };
      expect(names.className).not.toBe('LambdaError'); // the minifier did rename the class...
      expect(names.base).toBe('LambdaError'); // ...and the errors keep their name
      expect(names.made).toBe('LambdaError');
      expect(names.sub).toBe('NotFoundError');
      expect(names.unnamed).toBe(names.unnamedClass); // without errorName: the (mangled) class name, as documented
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the stack lazily: creating an error does not parse frames', () => {
    const e = newError('lazy');
    const d = Object.getOwnPropertyDescriptor(e, 'stack');
    // V8 installs stack as an accessor (formatted on first read); we do not read it at creation.
    expect(d).toBeDefined();
    expect(typeof e.stack).toBe('string');
  });
});
