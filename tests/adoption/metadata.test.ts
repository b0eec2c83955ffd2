// What every published package must have to be installed and found (no network; tests/adoption/adoption.test.ts
// then installs the tarballs for real).
import { describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const lerna = JSON.parse(readFileSync(join(root, 'lerna.json'), 'utf8')) as { version: string };
const packages = readdirSync(join(root, 'packages'))
  .filter((name) => existsSync(join(root, 'packages', name, 'package.json')))
  .map((name) => ({
    name,
    dir: join(root, 'packages', name),
    manifest: JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')) as Record<string, any>,
  }));

test('the repository has its LICENSE', () => {
  expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 lambdaware contributors/);
});

test('every package is public', () => {
  expect(packages.filter((p) => p.manifest.private === true).map((p) => p.name)).toEqual([]);
});

describe.each(packages)('packages/$name', ({ name, dir, manifest }) => {
  test('metadata: version, license, repository with directory, homepage, bugs, keywords, files, public access with provenance', () => {
    expect(manifest.version).toBe(lerna.version);
    expect(manifest.license).toBe('MIT');
    expect(manifest.repository).toMatchObject({ type: 'git', directory: `packages/${name}` });
    expect(manifest.homepage).toMatch(new RegExp(`/packages/${name}#readme$`));
    expect(manifest.bugs?.url).toMatch(/^https:\/\//);
    expect(Array.isArray(manifest.keywords) && manifest.keywords.length > 0).toBe(true);
    expect(manifest.files).toEqual(expect.arrayContaining(['dist']));
    expect(manifest.publishConfig).toEqual({ access: 'public', provenance: true });
  });

  test('internal dependencies are ranges (published together), never exact versions', () => {
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
      for (const [dep, range] of Object.entries((manifest[field] ?? {}) as Record<string, string>)) {
        if (dep.startsWith('@lambdaware/')) expect(`${field} ${dep} ${range}`).toBe(`${field} ${dep} ^${lerna.version}`);
      }
    }
  });

  test('LICENSE (MIT, lambdaware contributors) and a README that starts with its Install section', () => {
    expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 lambdaware contributors/);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8').split('\n');
    expect(readme[0]).toMatch(new RegExp(`^# ${manifest.name}\\b`));
    const install = readme.findIndex((l) => l.startsWith('## '));
    expect(readme[install]).toBe('## Install');
    const section = readme
      .slice(
        install + 1,
        readme.findIndex((l, i) => i > install && l.startsWith('## ')),
      )
      .join('\n');
    expect(section).toMatch(new RegExp(`npm install (--save-dev )?${manifest.name}\\b`));
    for (const peer of Object.keys(manifest.peerDependencies ?? {})) {
      if (manifest.peerDependenciesMeta?.[peer]?.optional !== true) expect(section).toContain(peer);
    }
  });
});
