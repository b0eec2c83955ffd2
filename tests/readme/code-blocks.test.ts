import { beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { compileBlocks, extractBlocks, formatErrors, markdownFiles, readBlocks, type CompileResult } from './blocks.js';

// Every TypeScript block of every README (root, packages/*, examples/*) and docs/*.md is compiled (strict, NodeNext)
// against the workspace packages, so an example cannot rot. Conventions: tests/readme/blocks.ts and CONTRIBUTING.md.
const root = join(new URL('.', import.meta.url).pathname, '../..');
// Inside the workspace (node_modules and @types resolve from there), where jest looks for no tests.
const workDir = join(root, 'node_modules/.cache/lambdaware-readme-blocks');
const files = markdownFiles(root);
const blocks = readBlocks(root, files);
let result: CompileResult;

beforeAll(async () => {
  result = await compileBlocks(blocks, workDir, root);
}, 120_000);

describe('the TypeScript blocks of the Markdown files compile', () => {
  test('the blocks are found (the root README and each package README with an example have some)', () => {
    const withBlocks = new Set(blocks.map((b) => b.file));
    for (const f of ['README.md', 'packages/records/README.md', 'packages/secrets/README.md', 'packages/events/README.md', 'docs/migrating.md']) {
      expect(withBlocks).toContain(f);
    }
    expect(result.compiled).toBe(blocks.filter((b) => b.noCheck === undefined).length);
  });

  test.each(files)('%s', (file) => {
    expect(formatErrors(result.errors.filter((e) => e.file === file))).toBe('');
  });

  test('no error outside the blocks (a package source, a prelude)', () => {
    expect(result.other.join('\n')).toBe('');
  });

  test('no README hides code in a ts-prelude: every README block pastes as shown (docs/*.md may, for excerpts)', () => {
    const readmes = files.filter((f) => f.endsWith('README.md'));
    expect(readmes.length).toBeGreaterThan(5);
    const hidden = blocks.filter((b) => b.prelude !== undefined && b.file.endsWith('README.md')).map((b) => `${b.file}:${b.fenceLine}`);
    expect(hidden).toEqual([]);
  });

  test('a block left unchecked (```ts no-check: <reason>) says why, and such blocks stay rare', () => {
    const unchecked = blocks.filter((b) => b.noCheck !== undefined);
    for (const b of unchecked) expect(`${b.file}:${b.fenceLine} ${b.noCheck === '' ? 'no reason given' : 'ok'}`).toBe(`${b.file}:${b.fenceLine} ok`);
    expect(unchecked.length).toBeLessThanOrEqual(Math.ceil(blocks.length / 10));
  });
});

describe('the checker itself', () => {
  const sample = [
    '# Sample',
    '',
    '```ts',
    '// handler.ts',
    'export const handler = async (event: { n: number }) => event.n * 2;',
    '```',
    '',
    '<!-- ts-prelude',
    'declare function save(n: number): Promise<void>;',
    '-->',
    '```typescript',
    "import { handler } from './handler.js';",
    'await save(await handler({ n: 1 }));',
    'const wrong: string = await handler({ n: 2 });',
    '```',
    '',
    '<!-- ts-continues -->',
    '```ts',
    "await handler({ n: 'three' });",
    '```',
    '',
    '```ts no-check: shows only the shape',
    'handler(…)',
    '```',
    '',
    '```js',
    'not typescript',
    '```',
  ].join('\n');

  test('names the file, the block and the Markdown line of each error; imports between blocks, preludes and continuations resolve', async () => {
    const extracted = extractBlocks('docs/sample.md', sample);
    expect(extracted.map((b) => [b.index, b.fileName, b.continues, b.noCheck])).toEqual([
      [1, 'handler.ts', false, undefined],
      [2, undefined, false, undefined],
      [3, undefined, true, undefined],
      [4, undefined, false, 'shows only the shape'],
    ]);
    const checked = await compileBlocks(extracted, join(root, 'node_modules/.cache/lambdaware-readme-blocks-selftest'), root);
    expect(checked.other).toEqual([]);
    expect(formatErrors(checked.errors)).toBe(
      [
        "docs/sample.md:14 (TypeScript block 2): TS2322: Type 'number' is not assignable to type 'string'. (column 7)",
        // the continued block repeats block 2's error, and has its own
        "docs/sample.md:14 (TypeScript block 2): TS2322: Type 'number' is not assignable to type 'string'. (column 7)",
        "docs/sample.md:19 (TypeScript block 3): TS2322: Type 'string' is not assignable to type 'number'. (column 17)",
      ].join('\n'),
    );
  }, 60_000);
});
