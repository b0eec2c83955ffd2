import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The `tsc` of the `typescript` package installed beside this one (the workspace's, or the user's project's):
 * resolved through its package.json, since its `exports` do not list the bin script.
 */
const tscPath = (): string => {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve('typescript/package.json');
  } catch {
    throw new Error('typecheck(): the "typescript" package is not installed (npm install -D typescript)');
  }
  const { bin } = require(manifest) as { bin?: string | Record<string, string> };
  const script = typeof bin === 'string' ? bin : (bin?.tsc ?? 'bin/tsc');
  return join(dirname(manifest), script);
};

/**
 * Compiles a TypeScript project (`tsc -p project --pretty false`) with the installed TypeScript, for compile-time
 * tests: type inference that must hold, and `@ts-expect-error` lines that must each be an error.
 */
export const typecheck = (project: string | URL): Promise<{ code: number | null; output: string }> =>
  new Promise((resolve) => {
    const path = project instanceof URL ? fileURLToPath(project) : project;
    execFile(process.execPath, [tscPath(), '-p', path, '--pretty', 'false'], (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: stdout + stderr }),
    );
  });
