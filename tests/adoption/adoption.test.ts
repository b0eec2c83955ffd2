// Drop-in adoption, as a user would do it, from a registry: a real local npm registry (Verdaccio,
// tests/publish/registry.ts) is started, every package is published to it with the release flow
// (scripts/publish.mjs: `npm publish` per package, provenance off since there is no CI OIDC token here), and a new
// project outside the workspace (os.tmpdir()) installs them BY NAME (`npm install @lambdaware/records ... @middy/core`,
// third-party packages proxied from npm's registry). There an existing-style ESM handler that adopts records(), then
// logContext(), errorLog(), secrets() and sentry() is compiled (TypeScript strict, module NodeNext, against the
// installed .d.ts files), run, and its jest test run (the real AWS SDK against the testkit's Secrets Manager endpoint,
// Sentry's @sentry/core against its ingest). Then each package alone: `npm install @lambdaware/<name> @middy/core`
// in an empty project, no missing peer (`npm ls`), and it imports.
// Uses the workspace's exact versions of typescript, jest, @types/*, @middy/core and zod. Needs the build
// (`npm test` builds first) and the npm registry (or npm's cache).
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { node, npm, root, run, startRegistry, type LocalRegistry, type Run } from '../publish/registry.js';

const template = fileURLToPath(new URL('./app', import.meta.url));

const version = (name: string): string => (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

const step = (name: string, result: Run): void => {
  timings.push(`${name} ${(result.ms / 1000).toFixed(1)} s`);
  if (result.code !== 0) throw new Error(`adoption: ${name} failed (exit ${result.code}):\n${result.output.slice(-6000)}`);
};

const timings: string[] = [];
const publicPackages = readdirSync(join(root, 'packages'))
  .filter((name) => existsSync(join(root, 'packages', name, 'package.json')))
  .map((name) => ({
    dir: `packages/${name}`,
    manifest: JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')) as Record<string, unknown>,
  }))
  .filter((p) => p.manifest.private !== true);
const names = publicPackages.map((p) => p.manifest.name as string);

let work: string;
let app: string;
let registry: LocalRegistry;
let published: Run;
let republished: Run;
const packuments: Record<string, { versions?: Record<string, unknown>; 'dist-tags'?: Record<string, string> }> = {};
let test1: Run;
let handlerRun: Run;
let cliHelp: Run;
let ownLibErrors: string[] = [];
const alone: Record<string, Run> = {};

beforeAll(async () => {
  for (const p of publicPackages) {
    if (!existsSync(join(root, p.dir, 'dist/index.js'))) throw new Error(`adoption: ${p.dir}/dist is missing: run \`npm run build\` first`);
  }
  work = mkdtempSync(join(tmpdir(), 'lambdaware-adoption-'));
  registry = await startRegistry();
  // The release flow against the local registry. --provenance=false: provenance (publishConfig) needs the OIDC token
  // of a CI job; npm's CLI flag takes precedence over publishConfig.
  const publishArgs = [join(root, 'scripts/publish.mjs'), '--registry', registry.url, '--provenance=false'];
  published = await run(node, publishArgs, root, 300_000, registry.env);
  step('publish', published);
  // run again: everything is already there, nothing is published twice (what a re-run of a release job does)
  republished = await run(node, publishArgs, root, 120_000, registry.env);
  for (const name of names) packuments[name] = (await (await fetch(`${registry.url}${name.replace('/', '%2f')}`)).json()) as (typeof packuments)[string];

  app = join(work, 'app');
  cpSync(template, app, { recursive: true });
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'orders-service',
        private: true,
        type: 'module',
        scripts: {},
        devDependencies: {
          typescript: version('typescript'),
          jest: version('jest'),
          '@jest/globals': version('@jest/globals'),
          '@types/node': version('@types/node'),
        },
      },
      null,
      2,
    ),
  );
  writeFileSync(join(app, 'jest.config.js'), "export default { testEnvironment: 'node', testMatch: ['<rootDir>/dist/test/**/*.spec.js'] };\n");
  // --ignore-scripts: only aws-lambda-ric (the CLI's dependency) has install scripts (it builds curl and its native
  // client from source, minutes); the app does not run the CLI. No lambdaware package has install scripts.
  // LAMBDAWARE_ADOPTION_EMPTY_CACHE=1: an empty npm cache, everything from the registry, as on a fresh CI machine.
  const cache = process.env.LAMBDAWARE_ADOPTION_EMPTY_CACHE === '1' ? ['--cache', join(work, 'npm-cache')] : ['--prefer-offline'];
  const flags = ['--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', ...cache];
  // One install, by name, as the READMEs say (@sentry/node: the app already has Sentry, its own SDK, the workspace's
  // version); the devDependencies above come with it.
  const wanted = [...names, `@middy/core@${version('@middy/core')}`, `zod@${version('zod')}`, `@sentry/node@${version('@sentry/node')}`];
  step('npm install (by name)', await npm(['install', ...wanted, ...flags], app, 480_000, registry.env));
  const tsc = join(app, 'node_modules/typescript/bin/tsc');
  step('tsc', await run(node, [tsc, '-p', app, '--pretty', 'false'], app, 120_000));
  // The published .d.ts files themselves, checked (other libraries' are not ours: @middy/core 7's imports the
  // types of its optional peer @aws/durable-execution-sdk-js, absent in a project that does not use it).
  const libcheck = await run(node, [tsc, '-p', join(app, 'tsconfig.libcheck.json'), '--pretty', 'false'], app, 120_000);
  timings.push(`tsc (lib check) ${(libcheck.ms / 1000).toFixed(1)} s`);
  ownLibErrors = libcheck.output.split('\n').filter((line) => /node_modules\/@lambdaware\/|^(src|test)\//.test(line));
  // The compiled handler run by plain Node, as Lambda's runtime would import it (no jest, no transform).
  const script = [
    "import { lambdaContext, sqsEvent } from '@lambdaware/events';",
    "const { handler } = await import('./dist/src/step1.js');",
    "const result = await handler(sqsEvent([{ orderId: 'o-1', total: 12 }, { orderId: 'o-2', total: 30 }]), lambdaContext());",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal of the child's script
    'process.stdout.write(`RESULT ${JSON.stringify(result)}\\n`);',
  ].join('\n');
  handlerRun = await run(node, ['--input-type=module', '-e', script], app, 60_000);
  // Each package alone: an empty project, `npm install @lambdaware/<name> @middy/core` (its other lambdaware
  // dependencies come from the registry); no missing peer (`npm ls` fails on one) and importing it works.
  const aloneStarted = Date.now();
  const queue = [...names];
  const pool = async (): Promise<void> => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const dir = join(work, `alone-${name.split('/')[1]}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'alone', private: true, type: 'module' }));
      const installed = await npm(['install', name, `@middy/core@${version('@middy/core')}`, ...flags], dir, 300_000, registry.env);
      if (installed.code !== 0) {
        alone[name] = installed;
        continue;
      }
      const listed = await npm(['ls', '--all', '--omit=dev'], dir, 60_000, registry.env);
      alone[name] =
        listed.code !== 0
          ? { ...listed, output: `npm ls:\n${listed.output}` }
          : await run(
              node,
              ['--input-type=module', '-e', `const m = await import(${JSON.stringify(name)}); if (Object.keys(m).length === 0) throw new Error('no exports');`],
              dir,
              60_000,
            );
    }
  };
  await Promise.all([pool(), pool()]);
  timings.push(`each package alone ${((Date.now() - aloneStarted) / 1000).toFixed(1)} s`);

  cliHelp = await run(node, [join(app, 'node_modules/.bin/lambdaware'), '--help'], app, 60_000);
  test1 = await run(
    node,
    ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', join(app, 'node_modules/jest/bin/jest.js'), '--ci', '--colors=false'],
    app,
    120_000,
  );
  step('jest', test1);
}, 900_000);

afterAll(async () => {
  if (timings.length > 0) process.stdout.write(`adoption: ${timings.join(', ')}\n`);
  if (registry !== undefined) await registry.close();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

test('every public package is published to the registry at the version of its package.json, tagged latest', () => {
  expect(names).toContain('@lambdaware/testkit');
  for (const p of publicPackages) {
    const v = p.manifest.version as string;
    expect(
      `${p.manifest.name}: ${Object.keys(packuments[p.manifest.name as string]?.versions ?? {}).join(',')} latest=${packuments[p.manifest.name as string]?.['dist-tags']?.latest}`,
    ).toBe(`${p.manifest.name}: ${v} latest=${v}`);
  }
  expect(published.output).toContain(`publish: ${names.length} published, 0 already there`);
});

test('publishing again publishes nothing (versions already in the registry are skipped)', () => {
  expect(republished.code).toBe(0);
  expect(republished.output).toContain(`publish: 0 published, ${names.length} already there`);
});

test('each installed package resolves its internal dependencies to the published ones (ranges, one copy each)', () => {
  for (const name of names) {
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules', name, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    for (const field of ['dependencies', 'peerDependencies'] as const) {
      for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
        if (dep.startsWith('@lambdaware/')) expect(`${name} ${field} ${dep}@${range}`).toMatch(/@\^\d+\.\d+\.\d+$/);
      }
    }
  }
  // one copy of each, at the top: nothing nested under a package
  for (const name of names) expect(existsSync(join(app, 'node_modules', name, 'node_modules', '@lambdaware'))).toBe(false);
  // installed by name: the app's package.json took caret ranges of the published version, as `npm install` writes them
  const written = (JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
  for (const p of publicPackages)
    expect(`${p.manifest.name} ${written[p.manifest.name as string]}`).toBe(`${p.manifest.name} ^${p.manifest.version as string}`);
});

test('each package installs alone by name with @middy/core (no missing peer) and imports', () => {
  const failed = Object.entries(alone)
    .filter(([, r]) => r.code !== 0)
    .map(([name, r]) => `${name}:\n${r.output.slice(-2000)}`);
  expect(failed.join('\n')).toBe('');
  expect(Object.keys(alone).sort()).toEqual([...names].sort());
});

test('the compiled handler runs under plain Node in the new project', () => {
  expect(handlerRun.output).toContain('RESULT ["o-1=12","o-2=30"]');
});

test('the .d.ts files of the packages compile in the new project (skipLibCheck off)', () => {
  expect(ownLibErrors.join('\n')).toBe('');
});

test('the handler compiles (strict, NodeNext) and its jest test passes in the new project', () => {
  expect(test1.output).toMatch(/Tests:\s+4 passed, 4 total/);
});

test('the app on its own Sentry SDK installs one copy of @sentry/core (the sentry package takes a range, not a pin)', () => {
  const copies: string[] = [];
  const walk = (dir: string, depth: number): void => {
    const core = join(dir, 'node_modules', '@sentry', 'core', 'package.json');
    if (existsSync(core)) copies.push(`${dir.slice(app.length) || '/'}: ${(JSON.parse(readFileSync(core, 'utf8')) as { version: string }).version}`);
    if (depth === 0 || !existsSync(join(dir, 'node_modules'))) return;
    for (const scope of readdirSync(join(dir, 'node_modules'))) {
      const base = join(dir, 'node_modules', scope);
      const names = scope.startsWith('@') ? readdirSync(base).map((n) => join(base, n)) : [base];
      for (const pkg of names) walk(pkg, depth - 1);
    }
  };
  walk(app, 2);
  // the version the app's @sentry/node pins, at the top, and no other copy under any package
  const pinned = (JSON.parse(readFileSync(join(app, 'node_modules/@sentry/node/package.json'), 'utf8')) as { dependencies: Record<string, string> })
    .dependencies['@sentry/core'];
  expect(copies).toEqual([`/: ${pinned}`]);
});

test('npx lambdaware runs from the installed @lambdaware/cli (its bin is linked at install time)', () => {
  expect(cliHelp.code).toBe(0);
  expect(cliHelp.output).toMatch(/lambdaware invoke/);
});
