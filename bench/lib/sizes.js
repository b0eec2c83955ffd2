// What the bundles weigh, part by part (esbuild, minified, node22 ESM, @aws-sdk/* external, as on Lambda's Node
// runtime). Bundled only, never run: an entry names what a function imports, and its size is what it ships.
//
// - preset: the lambdaware stack (bench/stacks/lambdaware.js) as it is (every source auto-detected), and the same
//   handler importing the preset's per-source entry `@lambdaware/preset/sqs` when packages/preset exports `./sqs`
//   (else "n/a"), and importing `@lambdaware/preset/app` (the app's own Sentry client) when it exports `./app`;
// - records({ source: 'sqs' }) alone: from `@lambdaware/records/sqs` when packages/records exports `./sqs`, else from
//   the main entry (labelled so);
// - per concern: each middleware package's entry alone (`export * from '@lambdaware/<name>'`; every package with
//   `@middy/core` as a peer, and shared), split into its own code, @lambdaware/shared, other @lambdaware packages and
//   third-party code (esbuild's metafile).
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const kb = (bytes) => +(bytes / 1024).toFixed(1);

/** The subpaths a workspace package exports (`.`, `./sqs`, ...), from its package.json. */
export const exportsOf = (root, dir) => {
  const file = join(root, 'packages', dir, 'package.json');
  if (!existsSync(file)) return [];
  const { exports } = JSON.parse(readFileSync(file, 'utf8'));
  if (exports === undefined) return ['.'];
  return typeof exports === 'string' ? ['.'] : Object.keys(exports).filter((k) => k === '.' || k.startsWith('./'));
};

/** Which package a bundled input file belongs to: `@lambdaware/<dir>` for the workspace, else its node_modules name. */
const ownerOf = (path) => {
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (nm) return nm[1];
  const ws = /(?:^|\/)packages\/([^/]+)\//.exec(path);
  return ws ? `@lambdaware/${ws[1]}` : path;
};

/** Bundles `code` (written to `<buildDir>/<name>.entry.mjs`): its size and the output bytes of each package in it. */
export const bundle = async ({ root, buildDir, name, code }) => {
  const entry = join(buildDir, `${name}.entry.mjs`);
  const outfile = join(buildDir, `${name}.size.mjs`);
  writeFileSync(entry, code);
  const out = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    external: ['@aws-sdk/*'],
    // as run.js's stack bundles (so the preset's size is the lambdaware stack's): CommonJS parts call require()
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const byPackage = {};
  for (const [path, { bytesInOutput }] of Object.entries(Object.values(out.metafile.outputs)[0].inputs)) {
    const owner = ownerOf(path);
    byPackage[owner] = (byPackage[owner] ?? 0) + bytesInOutput;
  }
  return { kb: kb(statSync(outfile).size), byPackage };
};

/** A bundle, or `{ kb: undefined, error }` when esbuild refuses it (a missing export, say). */
const tryBundle = async (args) => {
  try {
    return await bundle(args);
  } catch (e) {
    return { kb: undefined, error: e.errors?.[0]?.text ?? String(e.message ?? e).split('\n')[0] };
  }
};

/** Every size the targets and the concern table need. */
export const measureSizes = async ({ root, buildDir }) => {
  // the stack's source, bundled from buildDir: its handler module named by its absolute path
  const stack = readFileSync(join(root, 'bench', 'stacks', 'lambdaware.js'), 'utf8').replace(
    "'../lib/lambdaware-work.js'",
    JSON.stringify(join(root, 'bench', 'lib', 'lambdaware-work.js')),
  );
  const presetAuto = await tryBundle({ root, buildDir, name: 'preset-auto', code: stack });

  const presetHasSqs = exportsOf(root, 'preset').includes('./sqs');
  const presetNamed = presetHasSqs
    ? {
        ...(await tryBundle({ root, buildDir, name: 'preset-sqs', code: stack.replace("from '@lambdaware/preset'", "from '@lambdaware/preset/sqs'") })),
        entry: '@lambdaware/preset/sqs',
      }
    : { kb: undefined, entry: undefined, error: 'packages/preset exports no ./sqs' };

  // the same stack importing `@lambdaware/preset/app` (the app's own Sentry client: no built-in reporter bundled)
  const presetApp = exportsOf(root, 'preset').includes('./app')
    ? {
        ...(await tryBundle({ root, buildDir, name: 'preset-app', code: stack.replace("from '@lambdaware/preset'", "from '@lambdaware/preset/app'") })),
        entry: '@lambdaware/preset/app',
      }
    : { kb: undefined, entry: undefined, error: 'packages/preset exports no ./app' };

  const recordsEntry = exportsOf(root, 'records').includes('./sqs') ? '@lambdaware/records/sqs' : '@lambdaware/records';
  const recordsSqs = {
    ...(await tryBundle({
      root,
      buildDir,
      name: 'records-sqs',
      code: `import { records } from '${recordsEntry}';\nexport const middleware = records({ source: 'sqs' });\n`,
    })),
    entry: recordsEntry,
  };

  const concerns = [];
  const dirs = readdirSync(join(root, 'packages'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  for (const dir of dirs) {
    const file = join(root, 'packages', dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    if (dir !== 'shared' && pkg.peerDependencies?.['@middy/core'] === undefined) continue;
    const b = await tryBundle({ root, buildDir, name: `concern-${dir}`, code: `export * from '${pkg.name}';\n` });
    const parts = { own: 0, shared: 0, lambdaware: 0, thirdParty: 0 };
    const third = {};
    for (const [owner, bytes] of Object.entries(b.byPackage ?? {})) {
      if (owner.endsWith('.entry.mjs')) continue; // the one-line entry itself
      if (owner === pkg.name) parts.own += bytes;
      else if (owner === '@lambdaware/shared') parts.shared += bytes;
      else if (owner.startsWith('@lambdaware/')) parts.lambdaware += bytes;
      else {
        parts.thirdParty += bytes;
        third[owner] = (third[owner] ?? 0) + bytes;
      }
    }
    const largest = Object.entries(third)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([name, bytes]) => `${name} ${kb(bytes)}`);
    concerns.push({
      package: pkg.name,
      kb: b.kb,
      error: b.error,
      ownKb: kb(parts.own),
      sharedKb: kb(parts.shared),
      otherLambdawareKb: kb(parts.lambdaware),
      thirdPartyKb: kb(parts.thirdParty),
      largestThirdParty: largest,
    });
  }
  return {
    presetAuto: { ...presetAuto, byPackage: undefined },
    presetNamed: { ...presetNamed, byPackage: undefined },
    presetApp: { ...presetApp, byPackage: undefined },
    recordsSqs: { ...recordsSqs, byPackage: undefined },
    concerns,
  };
};

/** The concern table in Markdown. */
export const concernTable = (concerns) => {
  const md = [
    '| package entry alone (KB, minified, @aws-sdk external) | total | its own code | @lambdaware/shared | other @lambdaware | third-party (largest) |',
  ];
  md.push('|---|---:|---:|---:|---:|---|');
  for (const c of concerns) {
    if (c.kb === undefined) md.push(`| \`${c.package}\` | n/a (${c.error}) | | | | |`);
    else
      md.push(
        `| \`${c.package}\` | ${c.kb} | ${c.ownKb} | ${c.sharedKb} | ${c.otherLambdawareKb} | ${c.thirdPartyKb} (${c.largestThirdParty.join(', ') || '-'}) |`,
      );
  }
  return md.join('\n');
};
