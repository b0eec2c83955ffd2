// Bundles src/handler.ts into dist/handler.mjs for Lambda (see ../bundle-handler.mjs).
// `node bundle.mjs`, or `await bundle()` from a test.
import { fileURLToPath } from 'node:url';
import { bundleHandler } from '../bundle-handler.mjs';

export const bundle = () => bundleHandler(new URL('.', import.meta.url), 'sqs-concat-function');

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await bundle());
