import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));

/**
 * Compiles a TypeScript project (`tsc -p project --pretty false`) with the repo's TypeScript, for compile-time
 * tests: type inference that must hold, and `@ts-expect-error` lines that must each be an error.
 */
export const typecheck = (project: string | URL): Promise<{ code: number | null; output: string }> =>
  new Promise((resolve) => {
    const path = project instanceof URL ? fileURLToPath(project) : project;
    execFile(process.execPath, [tsc, '-p', path, '--pretty', 'false'], (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: stdout + stderr }),
    );
  });
