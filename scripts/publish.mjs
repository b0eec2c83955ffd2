#!/usr/bin/env node
// Publishes every public package of packages/* whose version the registry does not have yet ("from-package": the
// version in each package.json, as `lerna version` wrote it), dependencies first, with the npm CLI:
//   node scripts/publish.mjs [npm publish flags...]      e.g. --registry http://127.0.0.1:4873/ --provenance=false
// Why npm publish and not `lerna publish from-package`: provenance is set in each package's publishConfig, and lerna
// merges publishConfig over its own flags, so a publish outside CI (no OIDC token: the local registry of
// tests/adoption) could not turn it off; npm's CLI flags take precedence over publishConfig. Same packing (npm's
// packlist, `files`), same manifests, same order. See CONTRIBUTING.md#publishing.
// Needs the build (`npm run build`): every package must have dist/index.js.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const flags = process.argv.slice(2);
const npmCli = process.env.npm_execpath?.endsWith('.js') ? process.env.npm_execpath : undefined;
const npm = (args, options) => (npmCli !== undefined ? spawnSync(process.execPath, [npmCli, ...args], options) : spawnSync('npm', args, options));

const packages = readdirSync(join(root, 'packages'))
  .filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')))
  .map((dir) => ({ dir: `packages/${dir}`, manifest: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) }))
  .filter((p) => p.manifest.private !== true);

// dependencies first (a registry does not check, but a user installing mid-publish then finds what they need)
const byName = new Map(packages.map((p) => [p.manifest.name, p]));
const ordered = [];
const visit = (p, path = []) => {
  if (ordered.includes(p)) return;
  if (path.includes(p)) throw new Error(`publish: dependency cycle ${[...path, p].map((q) => q.manifest.name).join(' -> ')}`);
  for (const dep of Object.keys(p.manifest.dependencies ?? {})) if (byName.has(dep)) visit(byName.get(dep), [...path, p]);
  ordered.push(p);
};
for (const p of packages) visit(p);

const missing = ordered.filter((p) => !existsSync(join(root, p.dir, 'dist/index.js'))).map((p) => p.dir);
if (missing.length > 0) {
  process.stderr.write(`publish: no build in ${missing.join(', ')}: run \`npm run build\` first\n`);
  process.exit(1);
}

// flags npm view understands too (where to look); the rest (--provenance, --tag, --dry-run) are for publish only
const viewFlags = flags.flatMap((flag, i) =>
  flag === '--registry' ? [flag, flags[i + 1]] : flag.startsWith('--registry=') || flag.startsWith('--userconfig') ? [flag] : [],
);
let published = 0;
for (const { dir, manifest } of ordered) {
  const spec = `${manifest.name}@${manifest.version}`;
  const view = npm(['view', spec, 'version', '--json', ...viewFlags], { cwd: root, encoding: 'utf8' });
  if (view.status === 0 && view.stdout.trim() !== '') {
    process.stdout.write(`publish: ${spec} is already in the registry, skipped\n`);
    continue;
  }
  if (view.status !== 0 && !/E404|404 Not Found/.test(`${view.stdout}${view.stderr}`)) {
    process.stderr.write(`publish: could not ask the registry for ${spec}:\n${view.stdout}${view.stderr}\n`);
    process.exit(1);
  }
  const result = npm(['publish', '-w', dir, ...flags], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`publish: npm publish of ${spec} (${dir}) failed with exit ${result.status}\n`);
    process.exit(result.status ?? 1);
  }
  published += 1;
}
const dryRun = flags.includes('--dry-run') ? ' (dry run: nothing sent)' : '';
process.stdout.write(`publish: ${published} published, ${ordered.length - published} already there${dryRun}\n`);
