// Bundles an example's src/handler.ts into its dist/handler.mjs for Lambda (nodejs22.x): one ESM file, the AWS SDK
// left to the runtime's own copy, a source map for frames at the TypeScript lines (NODE_OPTIONS=--enable-source-maps),
// and a package.json that lets `sam build` take dist/ as it is. Each example's bundle.mjs calls this.
import { build } from 'esbuild';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** @param {URL} exampleDir the example's folder; @param {string} name the function package's name */
export const bundleHandler = async (exampleDir, name) => {
  const dir = fileURLToPath(exampleDir);
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
  await writeFile(`${dir}dist/package.json`, `${JSON.stringify({ name, version: '0.1.0', private: true, type: 'module' }, null, 2)}\n`);
  return `${dir}dist/handler.mjs`;
};
