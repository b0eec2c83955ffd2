// The release's versioning step, run for real on a clone of this repository's HEAD (in the OS temp directory):
// two conventional commits, then `lerna version` with the settings of lerna.json (fixed mode, conventional commits,
// angular preset), as `npm run release:version` does. Every package (and the private examples and bench that depend
// on them) moves to the one new version, internal ranges follow, CHANGELOG.md lists the commits, a tag is made.
// Skipped with a message outside a git checkout (a source tarball has no history to read).
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { node, root, run, type Run } from './registry.js';

const isCheckout = ((): boolean => {
  try {
    return execFileSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() === 'true';
  } catch {
    return false;
  }
})();
if (!isCheckout) process.stdout.write('release: not a git checkout, the lerna version test is skipped\n');
const maybe = isCheckout ? test : test.skip;

let clone: string;
let versioned: Run;
const git = (...args: string[]): string =>
  execFileSync(
    'git',
    ['-c', 'user.name=release-test', '-c', 'user.email=release-test@example.invalid', '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args],
    { cwd: clone, encoding: 'utf8' },
  );
interface Manifest {
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}
const manifest = (dir: string): Manifest => JSON.parse(readFileSync(join(clone, dir, 'package.json'), 'utf8')) as Manifest;
const before = (JSON.parse(readFileSync(join(root, 'lerna.json'), 'utf8')) as { version: string }).version;

beforeAll(async () => {
  if (!isCheckout) return;
  clone = mkdtempSync(join(tmpdir(), 'lambdaware-release-'));
  // HEAD's commit, whatever the checkout is (a branch, a detached CI merge commit): a local clone copies every object
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', '--no-checkout', root, clone]);
  git('checkout', '--quiet', '-B', 'main', head); // lerna.json allows versioning on main only
  symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'));
  git('commit', '--quiet', '--allow-empty', '-m', 'feat(records): a source for the release test');
  git('commit', '--quiet', '--allow-empty', '-m', 'fix(logger): a fix for the release test');
  // --no-push: the clone's origin is this checkout (lerna updates package-lock.json itself, no npm run)
  versioned = await run(node, [join(root, 'node_modules/lerna/dist/cli.js'), 'version', '--no-push', '--yes'], clone, 180_000);
}, 240_000);

afterAll(() => {
  if (clone !== undefined) rmSync(clone, { recursive: true, force: true });
});

maybe('lerna version bumps every package to one new version, with internal ranges, a commit and a tag', () => {
  expect(versioned.output).toContain('lerna success version finished');
  const after = (JSON.parse(readFileSync(join(clone, 'lerna.json'), 'utf8')) as { version: string }).version;
  expect(after).not.toBe(before);
  const dirs = [
    ...readdirSync(join(clone, 'packages')).map((d) => `packages/${d}`),
    ...readdirSync(join(clone, 'examples')).map((d) => `examples/${d}`),
    'bench',
  ].filter((d) => existsSync(join(clone, d, 'package.json')));
  const wrong: string[] = [];
  for (const dir of dirs) {
    const m = manifest(dir);
    if (m.version !== after) wrong.push(`${dir} version ${m.version}`);
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies'] as const) {
      for (const [dep, range] of Object.entries(m[field] ?? {})) {
        if (dep.startsWith('@lambdaware/') && range.replace(/^[\^~]/, '') !== after) wrong.push(`${dir} ${field} ${dep}@${range}`);
      }
    }
  }
  // the lockfile follows (npm ci would refuse a lockfile whose workspace versions differ from the manifests)
  const lock = JSON.parse(readFileSync(join(clone, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  for (const dir of dirs) if (lock.packages[dir]?.version !== after) wrong.push(`package-lock.json ${dir} ${lock.packages[dir]?.version}`);
  expect(wrong).toEqual([]);
  expect(git('tag', '--points-at', 'HEAD').trim()).toBe(`v${after}`);
  expect(git('log', '-1', '--format=%s').trim()).toBe(`chore(release): v${after}`);
});

maybe('the changelog lists the conventional commits since the last release, by type and scope', () => {
  const changelog = readFileSync(join(clone, 'CHANGELOG.md'), 'utf8');
  // under its type's heading, among the other conventional commits since the last release (HEAD's own, if any)
  expect(changelog).toMatch(/### Features\n\n(\* .*\n)*\* \*\*records:\*\* a source for the release test/);
  expect(changelog).toMatch(/### Bug Fixes\n\n(\* .*\n)*\* \*\*logger:\*\* a fix for the release test/);
});
