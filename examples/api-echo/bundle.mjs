// Bundles src/handler.ts into dist/handler.mjs for Lambda (nodejs22.x): one ESM file, the AWS SDK left to the
// runtime's own copy, a source map for frames at the TypeScript lines (NODE_OPTIONS=--enable-source-maps), and a
// package.json that lets `sam build` take dist/ as it is. `node bundle.mjs`, or `await bundle()` from a test.
import { build } from 'esbuild';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));

export const bundle = async () => {
  await mkdir(`${dir}dist`, { recursive: true });
  await build({
    entryPoints: [`${dir}src/handler.ts`],
    outfile: `${dir}dist/handler.mjs`,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    external: ['@aws-sdk/*'],
    minify: true,
    // error classes are named after themselves (LambdaError, RecordsError): Lambda's errorType must say so
    keepNames: true,
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
    // CommonJS dependencies bundled into ESM may call require() for Node built-ins.
    banner: { js: "import { createRequire as __lambdawareCreateRequire } from 'node:module'; const require = __lambdawareCreateRequire(import.meta.url);" },
  });
  await writeFile(`${dir}dist/package.json`, `${JSON.stringify({ name: 'api-echo-function', version: '0.1.0', private: true, type: 'module' }, null, 2)}\n`);
  return `${dir}dist/handler.mjs`;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await bundle());
