// docs/design.md is checked where it states facts the code also states, the way README code blocks are compiled:
// - the package table: every directory of packages/ has a row and every row a directory; its "runtime dependencies"
//   column is exactly the package.json's `dependencies`, then `peer` and `optional peer` ones (peerDependencies,
//   peerDependenciesMeta), @lambdaware/* and third-party alike;
// - the keys table: every key of `KEYS` (@lambdaware/shared) has a row and every row is a key.
// packages/ is read at run time, so a new package fails here until its row is written.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { KEYS } from '@lambdaware/shared';
import { type Deps, depsOfColumn, tableAfter } from './markdown.js';

const root = join(new URL('.', import.meta.url).pathname, '../..');
const design = readFileSync(join(root, 'docs/design.md'), 'utf8');

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const dirs = readdirSync(join(root, 'packages'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'packages', d.name, 'package.json')))
  .map((d) => d.name)
  .sort();
const manifests = new Map(dirs.map((d) => [d, JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8')) as PackageJson]));

const depsOfManifest = (p: PackageJson): Deps => {
  const peers = Object.keys(p.peerDependencies ?? {});
  const optional = (name: string) => p.peerDependenciesMeta?.[name]?.optional === true;
  return {
    dependencies: Object.keys(p.dependencies ?? {}).sort(),
    peer: peers.filter((n) => !optional(n)).sort(),
    optionalPeer: peers.filter(optional).sort(),
  };
};

describe('docs/design.md: the package table', () => {
  const rows = tableAfter(design, '## Packages');
  const byName = new Map(rows.map((r) => [r[0]!.replace(/`/g, ''), r]));

  test('has the columns it is read by', () => {
    expect(rows.header).toEqual(['package', 'concern', 'runtime dependencies']);
  });

  test('has one row per directory of packages/, and no other', () => {
    expect([...byName.keys()].sort()).toEqual(dirs.map((d) => manifests.get(d)!.name).sort());
    expect(byName.size).toBe(rows.length);
  });

  test.each(dirs)('packages/%s: the runtime dependencies column is its package.json', (dir) => {
    const manifest = manifests.get(dir)!;
    const row = byName.get(manifest.name);
    if (row === undefined) return; // reported by the test above
    expect({ package: manifest.name, ...depsOfColumn(row[2]!) }).toEqual({ package: manifest.name, ...depsOfManifest(manifest) });
  });
});

describe('docs/design.md: the keys table', () => {
  const rows = tableAfter(design, '## Keys');
  const keyNames = Object.values(KEYS).map((k) => Symbol.keyFor(k));

  test('has the columns it is read by', () => {
    expect(rows.header).toEqual(['key', 'where', 'written by', 'read by']);
  });

  test('every key of KEYS is a Symbol.for key, has one row, and every row is a key', () => {
    expect(keyNames).not.toContain(undefined);
    expect(rows.map((r) => r[0]!.replace(/`/g, '')).sort()).toEqual([...keyNames].sort());
  });

  test('every row says where the key lives and who writes and reads it', () => {
    for (const r of rows) for (const cell of r.slice(1)) expect({ key: r[0], cell }).toEqual({ key: r[0], cell: expect.stringMatching(/\S/) });
  });
});

describe('the table reader', () => {
  test('reads names by kind, ignoring parentheses and escaped pipes', () => {
    expect(depsOfColumn('`@a/b` (types, not `@x/y`), `c`; peer `@middy/core`; optional peer `@sentry/core` (`^1 \\|\\| ^2`)')).toEqual({
      dependencies: ['@a/b', 'c'],
      peer: ['@middy/core'],
      optionalPeer: ['@sentry/core'],
    });
    expect(depsOfColumn('none')).toEqual({ dependencies: [], peer: [], optionalPeer: [] });
    expect(() => depsOfColumn('`a`; peers `b`')).toThrow('"peers `b`"');
  });

  test('finds the first table after a heading and splits its cells on unescaped pipes only', () => {
    const rows = tableAfter('# x\n| a | b |\n## H\ntext\n\n| k | v |\n|---|---|\n| `1` | x \\| y |\n| 2 | z |\n\nafter', '## H');
    expect(rows.header).toEqual(['k', 'v']);
    expect([...rows]).toEqual([
      ['`1`', 'x \\| y'],
      ['2', 'z'],
    ]);
    expect(() => tableAfter('## H\nno table', '## H')).toThrow('no table after "## H"');
  });
});
