// `npm run layer` for real (scripts/layer.mjs, into the OS temp directory): the zip holds nodejs/node_modules with
// the lambdaware packages (their published files), @middy/core and their runtime dependencies, not the AWS SDK (the
// runtime's), no types-only or test files; the same inputs give the same bytes. Then the SAM example's layer
// function (examples/sqs-concat/layer-function/handler.mjs, deployed as that one file) runs against it through
// `lambdaware invoke --layer` (the real bin and aws-lambda-ric). Needs the build.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readZip } from '../../packages/cli/src/zip.js';
import { node, root, run, type Run } from './registry.js';

let work: string;
let built: Run;
let again: Run;
let paths: string[] = [];
let invoked: Run;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'lambdaware-layer-build-'));
  built = await run(node, [join(root, 'scripts/layer.mjs'), '--out', join(work, 'a.zip')], root, 120_000);
  if (built.code !== 0) throw new Error(`npm run layer failed:\n${built.output}`);
  again = await run(node, [join(root, 'scripts/layer.mjs'), '--out', join(work, 'b.zip')], root, 120_000);
  paths = readZip(readFileSync(join(work, 'a.zip')), 'a.zip').map((e) => e.path);
  invoked = await run(
    node,
    [
      join(root, 'packages/cli/bin/lambdaware.js'),
      'invoke',
      'examples/sqs-concat/layer-function/handler.mjs',
      '--layer',
      join(work, 'a.zip'),
      '--event',
      'examples/sqs-concat/events/blue-orange.json',
    ],
    root,
    60_000,
  );
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

test('the zip holds nodejs/node_modules with the packages, @middy/core and their runtime dependencies', () => {
  for (const name of ['shared', 'errors', 'logger', 'records', 'http', 'secrets', 'sentry', 'preset']) {
    expect(paths).toContain(`nodejs/node_modules/@lambdaware/${name}/package.json`);
    expect(paths).toContain(`nodejs/node_modules/@lambdaware/${name}/dist/index.js`);
    expect(paths).toContain(`nodejs/node_modules/@lambdaware/${name}/LICENSE`);
  }
  for (const dep of ['@middy/core', '@aws-lambda-powertools/logger', '@standard-schema/spec'])
    expect(paths).toContain(`nodejs/node_modules/${dep}/package.json`);
  expect(paths.every((p) => p.startsWith('nodejs/node_modules/'))).toBe(true);
});

test('no AWS SDK (the runtime has it), no types-only packages, no dev tools, no tests', () => {
  expect(paths.filter((p) => /node_modules\/(@aws-sdk|@smithy|@types)\//.test(p))).toEqual([]);
  expect(paths.filter((p) => /node_modules\/@lambdaware\/(cli|testkit|events)\//.test(p))).toEqual([]);
  expect(paths.filter((p) => /@lambdaware\/[^/]+\/(test|fixtures)\//.test(p))).toEqual([]);
});

test("the root README's layer size is the size built (within 20 %: it moves with the dependencies)", () => {
  const stated = /Size: (\d+) KB\s+zipped/.exec(readFileSync(join(root, 'README.md'), 'utf8'));
  expect(stated).not.toBeNull();
  const actualKb = readFileSync(join(work, 'a.zip')).length / 1024;
  expect(Math.abs(Number(stated?.[1]) - actualKb) / actualKb).toBeLessThan(0.2);
});

test('the same inputs give the same bytes', () => {
  expect(again.code).toBe(0);
  expect(readFileSync(join(work, 'b.zip')).equals(readFileSync(join(work, 'a.zip')))).toBe(true);
});

test("the SAM example's layer function runs against it (lambdaware invoke --layer)", () => {
  expect(invoked.code).toBe(0);
  expect(invoked.output).toContain('"blue:orange"');
  expect(invoked.output).toMatch(/"message":"joined the batch".*"count":2/);
});
