// A TypeScript handler (.ts, .mts, .cts, .tsx) is bundled on the fly with esbuild into one ES module with a source
// map, which the runtime then loads as it loads a deployed bundle; the execution environment runs with
// --enable-source-maps, so stack frames (the error's trace, the error line, Sentry's frames) point at the .ts lines.
// esbuild is an optional peer dependency of the CLI: the project's own esbuild is used, and a clear message says
// what to do when there is none.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvokeUsageError } from './errors.js';

export const TYPESCRIPT_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx'];

/** True for a handler string whose module is a TypeScript file. */
export function isTypeScriptHandler(spec: string): boolean {
  const hash = spec.lastIndexOf('#');
  const file = hash === -1 ? spec : spec.slice(0, hash);
  return TYPESCRIPT_EXTENSIONS.includes(extname(file).toLowerCase()) && !file.endsWith('.d.ts');
}

export interface Bundle {
  /** The handler string for the bundle: `<dir>/<name>.mjs#<export>`. */
  handler: string;
  /** The bundle's directory (the task root of the invocation). */
  dir: string;
  /** Removes the bundle. */
  remove(): void;
}

interface EsbuildMessage {
  text: string;
  location?: { file: string; line: number; column: number; lineText: string } | null;
}
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ errors: EsbuildMessage[]; warnings: EsbuildMessage[] }>;
}

/**
 * Loads the project's esbuild (resolved from the handler's directory), else one beside the CLI (`bases`: where to
 * resolve it from, in order). Throws `InvokeUsageError` saying what to do when there is none.
 */
export async function loadEsbuild(spec: string, bases: string[]): Promise<Esbuild> {
  for (const base of bases) {
    try {
      const path = createRequire(base).resolve('esbuild');
      const mod = (await import(pathToFileURL(path).href)) as Esbuild & { default?: Esbuild };
      return typeof mod.build === 'function' ? mod : mod.default!;
    } catch {
      // not installed there
    }
  }
  throw new InvokeUsageError(
    `handler "${spec}": a TypeScript handler is bundled with esbuild before it runs, and esbuild is not installed. ` +
      `Install it in your project (npm install --save-dev esbuild), or build first and pass the JavaScript file ` +
      `(e.g. npx tsc, then lambdaware invoke dist/handler.js).`,
  );
}

/** The nearest `node_modules` above `dir`, so that the bundle's bare imports resolve as the source's do. */
function nearestNodeModules(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, 'node_modules'))) return join(at, 'node_modules');
    if (dirname(at) === at) return undefined;
  }
}

/**
 * Bundles the TypeScript module of `spec` (`path/to/handler.ts[#export]`, relative to `cwd`) into
 * `<nearest node_modules>/.cache/lambdaware/<id>/<name>.mjs` with a linked source map. The module's own files are
 * bundled; packages stay imports, resolved from that node_modules as from the source. Compile errors throw
 * `InvokeUsageError` with esbuild's messages (file:line:column).
 */
export async function bundleTypeScript(spec: string, cwd = process.cwd()): Promise<Bundle> {
  const hash = spec.lastIndexOf('#');
  const file = resolve(cwd, hash === -1 ? spec : spec.slice(0, hash));
  const exportPart = hash === -1 ? '' : spec.slice(hash);
  if (!existsSync(file)) throw new InvokeUsageError(`handler "${spec}": no such file ${file}`);
  const esbuild = await loadEsbuild(spec, [join(dirname(file), 'noop.js'), import.meta.url]);
  const nodeModules = nearestNodeModules(dirname(file));
  const id = `${createHash('sha256').update(file).digest('hex').slice(0, 12)}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const dir = nodeModules ? join(nodeModules, '.cache', 'lambdaware', id) : join(tmpdir(), 'lambdaware-ts', id);
  mkdirSync(dir, { recursive: true });
  const remove = () => rmSync(dir, { recursive: true, force: true });
  // a module name cannot hold a dot on Lambda (the handler setting is <module>.<export>)
  const name = basename(file, extname(file)).replace(/[^A-Za-z0-9_-]/g, '-') || 'handler';
  const outfile = join(dir, `${name}.mjs`);
  let result: { errors: EsbuildMessage[] };
  try {
    result = await esbuild.build({
      entryPoints: [file],
      outfile,
      bundle: true,
      // without a node_modules to resolve from, everything goes into the bundle
      packages: nodeModules ? 'external' : undefined,
      platform: 'node',
      format: 'esm',
      target: `node${/^v?(\d+)/.exec(process.version)?.[1] ?? '22'}`,
      sourcemap: 'linked',
      // a CommonJS dependency's require() of a Node built-in, inside an ES module bundle
      banner: { js: "import { createRequire as __lambdawareCreateRequire } from 'node:module'; const require = __lambdawareCreateRequire(import.meta.url);" },
      logLevel: 'silent',
      absWorkingDir: dirname(file),
    });
  } catch (error) {
    remove();
    const errors = (error as { errors?: EsbuildMessage[] }).errors;
    if (!errors?.length) throw error;
    result = { errors };
  }
  if (result.errors.length > 0) {
    remove();
    const where = (m: EsbuildMessage) => (m.location ? `${resolve(dirname(file), m.location.file)}:${m.location.line}:${m.location.column + 1}: ` : '');
    throw new InvokeUsageError(`handler "${spec}": esbuild could not bundle it:\n${result.errors.map((m) => `  ${where(m)}${m.text}`).join('\n')}`);
  }
  return { handler: `${outfile}${exportPart}`, dir, remove };
}
