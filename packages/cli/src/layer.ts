// `invoke --layer <zip|dir>`: the function runs against Lambda layers the way Lambda mounts them. Lambda extracts
// each layer, in order, into /opt, runs the function from /var/task (the deployment package: no node_modules of the
// project beside it) and finds packages in /opt/nodejs/node<major>/node_modules, then /opt/nodejs/node_modules, then
// the runtime's own node_modules (where the AWS SDK v3 is). Here:
// - the layers are extracted into <tmp>/opt (later layers over earlier ones, as Lambda merges them);
// - the task root (the deployment package: with its own node_modules, if it has one, which Lambda searches first)
//   is copied to <tmp>/task, away from the project's node_modules above it (so nothing resolves from the project by
//   accident), with the nearest package.json's "type" when the task root has none (as a deployment package built
//   from the project would carry it);
// - CommonJS: NODE_PATH lists the layer directories (Lambda sets NODE_PATH the same way);
// - ES modules ignore NODE_PATH, yet Lambda's Node.js 18+ runtimes resolve an ESM handler's bare imports from the
//   layers too. The same is done with a module resolve hook (`module.register`, loaded by `--import` before the
//   runtime starts): a bare specifier the normal resolution cannot find is resolved again from each layer
//   directory, in Lambda's order. A symlinked node_modules beside the handler copy would also work for ESM, but it
//   would put the layer first where Lambda puts the function's own node_modules first, and it cannot hold two layer
//   paths at once.
// - `@aws-sdk/*`, which the Lambda runtime provides and the layer leaves out, resolves last from the project
//   (the nearest node_modules holding @aws-sdk, from `cwd`), standing in for the runtime's copy.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvokeUsageError } from './errors.js';
import type { HandlerLocation } from './handler.js';
import { readZip } from './zip.js';

export interface MountedLayers {
  /** `/opt` of this invocation. */
  opt: string;
  /** The handler's location in the task root's copy (`/var/task`). */
  location: HandlerLocation;
  /** Node arguments of the runtime process (the resolve hook). */
  execArgv: string[];
  /** Variables of the function's environment (NODE_PATH). */
  env: Record<string, string>;
  remove(): void;
}

// The hook, written beside the copies as plain JavaScript (it runs in the runtime process, on the loader thread).
const HOOKS = `// lambdaware invoke --layer: bare imports the normal resolution cannot find, resolved from the layers
let parents = [];
let sdkParent;
export function initialize(data) {
  parents = data.parents;
  sdkParent = data.sdkParent;
}
const isBare = (specifier) => !/^(\\.{0,2}\\/|#|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(specifier);
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !isBare(specifier)) throw error;
    const from = sdkParent !== undefined && specifier.startsWith('@aws-sdk/') ? [...parents, sdkParent] : parents;
    for (const parentURL of from) {
      try {
        return await next(specifier, { ...context, parentURL });
      } catch (again) {
        if (again?.code !== 'ERR_MODULE_NOT_FOUND') throw again;
      }
    }
    throw error;
  }
}
`;

/** The nearest `node_modules` holding `@aws-sdk`, from `dir` up. */
function sdkModules(dir: string): string | undefined {
  for (let at = resolve(dir); ; at = dirname(at)) {
    if (existsSync(join(at, 'node_modules', '@aws-sdk'))) return join(at, 'node_modules');
    if (dirname(at) === at) return undefined;
  }
}

/** The "type" of the nearest package.json at or above `dir`. */
function moduleType(dir: string): string | undefined {
  for (let at = resolve(dir); ; at = dirname(at)) {
    const file = join(at, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { type?: string }).type;
    if (dirname(at) === at) return undefined;
  }
}

function extract(layer: string, opt: string): void {
  if (!existsSync(layer)) throw new InvokeUsageError(`--layer "${layer}": no such file or directory (a layer's .zip, or the directory it unzips to)`);
  if (statSync(layer).isDirectory()) {
    cpSync(layer, opt, { recursive: true });
    return;
  }
  for (const entry of readZip(readFileSync(layer), `--layer "${layer}"`)) {
    const target = join(opt, entry.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, entry.data, { mode: entry.mode });
  }
}

/** Extracts the layers and copies the task root; `remove()` deletes both. */
export function mountLayers(layers: string[], location: HandlerLocation, cwd: string): MountedLayers {
  const dir = mkdtempSync(join(tmpdir(), 'lambdaware-layer-'));
  try {
    const opt = join(dir, 'opt');
    mkdirSync(opt);
    for (const layer of layers) extract(resolve(cwd, layer), opt);
    const task = join(dir, 'task');
    cpSync(location.taskRoot, task, { recursive: true });
    const type = moduleType(location.taskRoot);
    if (!existsSync(join(task, 'package.json')) && type !== undefined) writeFileSync(join(task, 'package.json'), JSON.stringify({ type }));
    const major = /^v?(\d+)/.exec(process.version)?.[1] ?? '22';
    const dirs = [join(opt, 'nodejs', `node${major}`, 'node_modules'), join(opt, 'nodejs', 'node_modules')];
    const sdk = sdkModules(cwd);
    const hooks = join(dir, 'layer-hooks.mjs');
    writeFileSync(hooks, HOOKS);
    const data = {
      parents: dirs.map((d) => pathToFileURL(join(dirname(d), 'lambdaware-layer-parent.mjs')).href),
      sdkParent: sdk === undefined ? undefined : pathToFileURL(join(dirname(sdk), 'lambdaware-sdk-parent.mjs')).href,
    };
    const register = join(dir, 'layer-register.mjs');
    writeFileSync(
      register,
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)}, { data: ${JSON.stringify(data)} });\n`,
    );
    return {
      opt,
      location: { ...location, taskRoot: task, modulePath: join(task, relative(location.taskRoot, location.modulePath)) },
      execArgv: ['--import', pathToFileURL(register).href],
      env: { NODE_PATH: [...dirs, ...(sdk === undefined ? [] : [sdk])].join(':') },
      remove: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
