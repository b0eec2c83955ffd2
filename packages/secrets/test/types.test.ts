import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@jest/globals';

// The schema's output type reaches `context.secrets.<key>` through middy's `.use()`: checked by compiling
// test/types/inference.ts, whose `@ts-expect-error` lines must each be an error.
test('secret types are inferred through .use() (tsc on test/types)', async () => {
  const project = fileURLToPath(new URL('./types/tsconfig.json', import.meta.url));
  const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));
  const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
    execFile(process.execPath, [tsc, '-p', project, '--pretty', 'false'], (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: stdout + stderr }),
    );
  });
  expect(result.output).toBe('');
  expect(result.code).toBe(0);
});
