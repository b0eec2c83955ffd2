#!/usr/bin/env node
// `npm run layer`: a Lambda layer of the lambdaware packages: dist/layer/lambdaware-layer.zip holding
// nodejs/node_modules/ with @lambdaware/{shared,errors,logger,records,secrets,sentry,preset} (their published
// files, as `npm pack` would take them), @middy/core (their peer) and every runtime dependency, resolved from the
// workspace's node_modules (the versions of package-lock.json, no network), laid out as installed there (a nested
// copy stays nested). Left out: @aws-sdk/* (the Lambda Node.js runtime has the AWS SDK v3), @types/* (types only),
// optional peers (the Sentry SDK: the app's own, or Sentry's layer), and the dev tools (cli, testkit, events).
// The zip is written with Node (packages/cli's writeZip: zlib, no dependency), entries sorted and dated 1980-01-01,
// so the same lockfile gives the same bytes. Needs the build (`npm run layer` builds first).
//   node scripts/layer.mjs [--out <file.zip>]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { writeZip } = await import(new URL('../packages/cli/dist/zip.js', import.meta.url).href).catch(() => {
  process.stderr.write('layer: packages/cli/dist/zip.js is missing: run `npm run build` first\n');
  process.exit(1);
});

export const LAYER_PACKAGES = ['shared', 'errors', 'logger', 'records', 'http', 'secrets', 'sentry', 'preset'].map((n) => `@lambdaware/${n}`);
const left = (name) => name.startsWith('@aws-sdk/') || name.startsWith('@types/');

const outFlag = process.argv.indexOf('--out');
const out = outFlag === -1 ? join(root, 'dist/layer/lambdaware-layer.zip') : resolve(process.argv[outFlag + 1]);
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** The real directory of `name` as Node resolves it from `from` (node_modules up the tree), or undefined. */
const resolveFrom = (name, from) => {
  for (let at = from; ; at = dirname(at)) {
    const candidate = join(at, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(at) === at || at === dirname(root)) return undefined;
  }
};

// the workspace packages' names by directory, and the files `npm pack` takes from each
const workspaces = new Map(
  readdirSync(join(root, 'packages'))
    .filter((d) => existsSync(join(root, 'packages', d, 'package.json')))
    .map((d) => [realpathSync(join(root, 'packages', d)), readJson(join(root, 'packages', d, 'package.json')).name]),
);
const npmCli = process.env.npm_execpath?.endsWith('.js') ? process.env.npm_execpath : undefined;
const packArgs = ['pack', '--dry-run', '--json', '--ignore-scripts', ...LAYER_PACKAGES.flatMap((n) => ['-w', `packages/${n.split('/')[1]}`])];
const packed = npmCli
  ? spawnSync(process.execPath, [npmCli, ...packArgs], { cwd: root, encoding: 'utf8' })
  : spawnSync('npm', packArgs, { cwd: root, encoding: 'utf8' });
if (packed.status !== 0) throw new Error(`layer: npm pack --dry-run failed:\n${packed.stderr}`);
const packFiles = new Map(JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))).map((t) => [t.name, t.files.map((f) => f.path)]));

/** Where a real directory goes in the layer: node_modules/... as in the workspace (packages/x as node_modules/@lambdaware/x). */
const layerPath = (dir) => {
  for (const [wsDir, name] of workspaces) {
    if (dir === wsDir) return `nodejs/node_modules/${name}`;
    if (dir.startsWith(wsDir + sep)) return `nodejs/node_modules/${name}/${relative(wsDir, dir).split(sep).join('/')}`;
  }
  const rel = relative(root, dir).split(sep).join('/');
  if (!rel.startsWith('node_modules/')) throw new Error(`layer: ${dir} is outside the workspace's node_modules`);
  return `nodejs/${rel}`;
};

const walk = (dir, base = dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' && dir === base ? [] : walk(full, base);
    return e.isFile() ? [relative(base, full).split(sep).join('/')] : [];
  });

const seen = new Map(); // real dir -> layer path
const entries = [];
const queue = LAYER_PACKAGES.map((name) => ({ name, from: root, by: 'the layer' }));
while (queue.length > 0) {
  const { name, from, by, optional } = queue.shift();
  const dir = resolveFrom(name, from);
  if (dir === undefined) {
    if (optional) continue;
    throw new Error(`layer: ${name} (needed by ${by}) is not installed: run npm ci`);
  }
  if (seen.has(dir)) continue;
  const manifest = readJson(join(dir, 'package.json'));
  const to = layerPath(dir);
  seen.set(dir, to);
  const files = packFiles.get(manifest.name) ?? walk(dir);
  for (const file of files) {
    const full = join(dir, file);
    entries.push({ path: `${to}/${file}`, data: readFileSync(full), mode: statSync(full).mode & 0o111 ? 0o755 : 0o644 });
  }
  const optionalPeers = manifest.peerDependenciesMeta ?? {};
  const deps = [
    ...Object.keys(manifest.dependencies ?? {}).map((d) => ({ name: d, optional: false })),
    ...Object.keys(manifest.optionalDependencies ?? {}).map((d) => ({ name: d, optional: true })),
    ...Object.keys(manifest.peerDependencies ?? {})
      .filter((d) => optionalPeers[d]?.optional !== true)
      .map((d) => ({ name: d, optional: false })),
  ];
  for (const dep of deps) if (!left(dep.name)) queue.push({ name: dep.name, from: dir, by: manifest.name, optional: dep.optional });
}

entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
const zip = writeZip(entries);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, zip);
const unzipped = entries.reduce((sum, e) => sum + e.data.length, 0);
const top = [
  ...new Set(
    [...seen.values()].map((p) =>
      p
        .split('/')
        .slice(2, p.split('/')[2].startsWith('@') ? 4 : 3)
        .join('/'),
    ),
  ),
].sort();
process.stdout.write(
  `layer: ${relative(process.cwd(), out) || out}: ${(zip.length / 1024).toFixed(0)} KB zipped, ${(unzipped / 1024).toFixed(0)} KB unzipped, ` +
    `${entries.length} files, ${seen.size} packages (${top.join(', ')})\n`,
);
