// The one naming rule for error classes (CONTRIBUTING.md, "Error classes"), checked on every error class that a
// package exports from its src/index.ts: the name says what went wrong and ends with `Error`; an error made by the
// class carries that name (`new X(...).name === X.name`: Lambda's errorType, the error line's `type` and Sentry's
// title all read it); and it is never the name of a global (`AggregateError`, `TypeError`...), which an import would
// hide in the whole module. The packages are read from packages/ at run time, so a new package is checked too.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';

const root = join(new URL('.', import.meta.url).pathname, '../..');
const packages = readdirSync(join(root, 'packages'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'packages', d.name, 'src/index.ts')))
  .map((d) => d.name)
  .sort();

type ErrorClass = (new (...args: never[]) => Error) & { name: string };

const isErrorClass = (value: unknown): value is ErrorClass =>
  typeof value === 'function' && value.prototype !== undefined && (value === Error || Object.prototype.isPrototypeOf.call(Error.prototype, value.prototype));

/** The arguments tried, in order, to make one error of a class: a message; the shared OptionsError's init. */
const ARGUMENTS: unknown[][] = [
  ['something went wrong'],
  [{ package: '@lambdaware/design-test', fn: 'check', option: 'size', expected: 'an integer >= 1', value: 0 }],
];

/** One error made by the class, or undefined when none of ARGUMENTS constructs it. */
const oneOf = (cls: ErrorClass): Error | undefined => {
  for (const args of ARGUMENTS) {
    try {
      const made = new (cls as unknown as new (...a: unknown[]) => Error)(...args);
      if (made instanceof Error) return made;
    } catch {
      // not these arguments
    }
  }
  return undefined;
};

interface Found {
  pkg: string;
  exportName: string;
  cls: ErrorClass;
}

const found: Found[] = [];
for (const pkg of packages) {
  const mod = (await import(`@lambdaware/${pkg}`)) as Record<string, unknown>;
  for (const [exportName, value] of Object.entries(mod)) if (isErrorClass(value)) found.push({ pkg, exportName, cls: value });
}

/** The names of the globals of this Node (Error, AggregateError, TypeError, ..., but also escape, URL, fetch). */
const globalNames = new Set(Object.getOwnPropertyNames(globalThis));

/**
 * What breaks the rule today and is being fixed by its owner; an entry that no longer breaks it fails the last test,
 * so that the list only ever shrinks. Keep it empty.
 */
const KNOWN: Record<string, string> = {};

const problemsOf = ({ exportName, cls }: Found): string[] => {
  const problems: string[] = [];
  if (cls.name !== exportName) problems.push(`exported as ${exportName} but the class is named ${JSON.stringify(cls.name)}`);
  if (!/^[A-Z][A-Za-z0-9]*Error$/.test(cls.name)) problems.push(`${JSON.stringify(cls.name)} is not <What>Error in PascalCase`);
  if (globalNames.has(cls.name)) problems.push(`${cls.name} is the name of a global: importing it hides globalThis.${cls.name}`);
  const made = oneOf(cls);
  if (made !== undefined && made.name !== cls.name) problems.push(`new ${cls.name}(...).name is ${JSON.stringify(made.name)}, not ${JSON.stringify(cls.name)}`);
  return problems;
};

describe('error classes follow the one naming rule', () => {
  test('every package with a src/index.ts is read, and error classes are found in them', () => {
    expect(packages).toEqual(expect.arrayContaining(['errors', 'records', 'secrets', 'shared']));
    const names = found.map((f) => `${f.pkg}:${f.exportName}`);
    // some that exist today: if the search found none of them it would check nothing
    expect(names).toEqual(expect.arrayContaining(['shared:OptionsError', 'records:RecordsError', 'secrets:SecretsError', 'errors:LambdaError']));
    // most classes can be made with a message or the shared option-error init, so the name check runs on them
    expect(found.filter((f) => oneOf(f.cls) !== undefined).length).toBeGreaterThanOrEqual(Math.ceil(found.length / 2));
  });

  test.each(packages)('@lambdaware/%s', (pkg) => {
    const wrong = found
      .filter((f) => f.pkg === pkg && KNOWN[`${f.pkg}:${f.exportName}`] === undefined)
      .flatMap((f) => problemsOf(f).map((p) => `${f.exportName}: ${p}`));
    expect(wrong).toEqual([]);
  });

  test('the rule catches what it is meant to catch, and passes a class that follows it', () => {
    const named = <C extends ErrorClass>(cls: C): C => {
      Object.defineProperty(cls.prototype, 'name', { value: cls.name, enumerable: false, writable: true, configurable: true });
      return cls;
    };
    const of = (cls: ErrorClass) => problemsOf({ pkg: 'x', exportName: cls.name, cls });
    expect(of(named(class OrderNotFoundError extends Error {}))).toEqual([]);
    // biome-ignore lint/suspicious/noShadowRestrictedNames: the rule's own test names a class after a global on purpose
    expect(of(named(class AggregateError extends Error {}))).toEqual([expect.stringContaining('name of a global')]);
    expect(of(named(class RecordFailure extends Error {}))).toEqual([expect.stringContaining('not <What>Error')]);
    expect(of(class UnnamedError extends Error {})).toEqual(['new UnnamedError(...).name is "Error", not "UnnamedError"']);
  });

  test('each known exception still breaks the rule (remove it from KNOWN once fixed)', () => {
    for (const key of Object.keys(KNOWN)) {
      const f = found.find((x) => `${x.pkg}:${x.exportName}` === key);
      expect({ key, problems: f === undefined ? ['not exported any more'] : problemsOf(f) }).toEqual({
        key,
        problems: expect.arrayContaining([expect.any(String)]),
      });
    }
  });
});
