#!/usr/bin/env node
// The `lambdaware` command. This file is committed, not built: npm links a package's bin when it installs it
// (`npm ci` in the checkout, `npm install @lambdaware/cli`), before any build, and links nothing if the target does
// not exist yet. It only loads the compiled CLI (dist/, from `npm run build` or the published tarball).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(fileURLToPath(built))) {
  process.stderr.write(
    `lambdaware: the CLI is not built (${fileURLToPath(built)} is missing).\n` +
      'In the lambdaware checkout, run "npm run build" (or "npx tsc -b packages/cli") first.\n',
  );
  process.exitCode = 3;
} else {
  await import(built.href);
}
