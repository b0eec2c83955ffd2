// What `npm pack --dry-run` would put in each public package's tarball (npm's own packlist: `files`, .npmignore,
// the always-included files): its build, LICENSE and README, no tests, and source maps whose sources are in the
// tarball (no map pointing outside the package, where a user's debugger would find nothing). Needs the build.
import { beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { npm, root } from './registry.js';

interface Packed {
  name: string;
  files: { path: string }[];
}
const publicPackages = readdirSync(join(root, 'packages'))
  .filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')))
  .map((dir) => ({
    dir,
    manifest: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as {
      name: string;
      private?: boolean;
      bin?: string | Record<string, string>;
    },
  }))
  .filter((p) => p.manifest.private !== true);

const packed: Record<string, string[]> = {};

beforeAll(async () => {
  for (const p of publicPackages) {
    if (!existsSync(join(root, 'packages', p.dir, 'dist/index.js'))) throw new Error(`pack: packages/${p.dir}/dist is missing: run \`npm run build\` first`);
  }
  const result = await npm(['pack', '--dry-run', '--json', '--ignore-scripts', ...publicPackages.flatMap((p) => ['-w', `packages/${p.dir}`])], root, 120_000);
  if (result.code !== 0) throw new Error(`npm pack --dry-run failed:\n${result.output.slice(-4000)}`);
  const json = result.output.slice(result.output.search(/^\[/m), result.output.lastIndexOf(']') + 1);
  for (const t of JSON.parse(json) as Packed[]) packed[t.name] = t.files.map((f) => f.path);
}, 180_000);

test('every public package is packed', () => {
  expect(Object.keys(packed).sort()).toEqual(publicPackages.map((p) => p.manifest.name).sort());
});

describe.each(publicPackages)('packages/$dir', ({ dir, manifest }) => {
  const files = (): string[] => packed[manifest.name] ?? [];

  test('LICENSE, README.md, package.json, the build (dist/index.js, dist/index.d.ts) and its bin files', () => {
    const bins = Object.values(typeof manifest.bin === 'string' ? { [manifest.name]: manifest.bin } : (manifest.bin ?? {})).map((b) => normalize(b));
    for (const required of ['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', ...bins])
      expect(`${dir}: ${files().includes(required) ? '' : 'no '}${required}`).toBe(`${dir}: ${required}`);
  });

  test('no tests, fixtures or build configuration', () => {
    const unwanted = files().filter(
      (f) =>
        /(^|\/)(test|tests|__tests__|fixtures)\//.test(f) ||
        /\.(test|spec)\.[cm]?[jt]sx?$/.test(f) ||
        /(^|\/)tsconfig(\.[\w-]+)?\.json$|\.tsbuildinfo$/.test(f),
    );
    expect(unwanted).toEqual([]);
  });

  test('every source map names only sources that are in the tarball (nothing outside the package)', () => {
    const inTarball = new Set(files());
    const maps = files().filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    const bad: string[] = [];
    for (const map of maps) {
      const { sources, sourceRoot } = JSON.parse(readFileSync(join(root, 'packages', dir, map), 'utf8')) as { sources: string[]; sourceRoot?: string };
      for (const source of sources) {
        const resolved = normalize(join(dirname(map), sourceRoot ?? '', source));
        if (resolved.startsWith('..') || !inTarball.has(resolved)) bad.push(`${map} -> ${source}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
