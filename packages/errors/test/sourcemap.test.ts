// Frames point at the TypeScript source, for real: the fixture (and this package's src) is compiled by tsc, and
// run by the project's Node in a child process with source maps on, as a Lambda with NODE_OPTIONS would.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixtureDir = fileURLToPath(new URL('./fixtures/sourcemap/', import.meta.url));
const repoRoot = join(fixtureDir, '../../../../..');
const outDir = join(fixtureDir, 'dist/test/fixtures/sourcemap');
const node = join(repoRoot, 'node_modules/.bin/node');
const handlerTs = join(fixtureDir, 'handler.ts');

const source = readFileSync(handlerTs, 'utf8').split('\n');
const throwLine = source.findIndex((l) => l.includes('// THROW-LINE')) + 1;
const throwColumn = source[throwLine - 1].indexOf('newError(') + 1;

interface Frame {
  func: string;
  file: string;
  line?: number;
  column?: number;
  async?: true;
}

const run = (args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(node, [...args, join(outDir, 'main.js')], {
    cwd: dirname(outDir),
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    encoding: 'utf8',
    timeout: 15_000,
  });
  expect(r.status).toBe(0);
  const errorLines = r.stderr.split('\n').filter((l) => l.startsWith('{'));
  expect(errorLines).toHaveLength(1);
  expect(JSON.parse(r.stdout.trim())).toEqual({ rethrown: 'order not found' });
  return JSON.parse(errorLines[0]) as { error: { stacktrace: Frame[]; values: unknown } };
};

beforeAll(() => {
  rmSync(join(fixtureDir, 'dist'), { recursive: true, force: true });
  execFileSync(join(repoRoot, 'node_modules/.bin/tsc'), ['-p', fixtureDir], { stdio: 'pipe' });
});

describe('stack frames with source maps', () => {
  it('--enable-source-maps: the first frame is the throw line of the .ts source', () => {
    const line = run(['--enable-source-maps']);
    const [first, second] = line.error.stacktrace;
    expect(first).toEqual({ func: 'OrderService.load', file: handlerTs, line: throwLine, column: throwColumn });
    expect(first.file.endsWith('.ts')).toBe(true);
    expect(second).toEqual({ func: 'processOrder', file: handlerTs, line: expect.any(Number), column: expect.any(Number), async: true });
    expect(source[second.line! - 1]).toContain('new OrderService(id).load()');
    expect(line.error.values).toEqual({ orderId: 'o-42' });
  });

  it('process.setSourceMapsEnabled(true) does the same', () => {
    const [first] = run([], { SET_SOURCE_MAPS: '1' }).error.stacktrace;
    expect(first).toEqual({ func: 'OrderService.load', file: handlerTs, line: throwLine, column: throwColumn });
  });

  it('without source maps the frames point at the compiled .js', () => {
    const [first] = run([]).error.stacktrace;
    expect(first.file).toBe(join(outDir, 'handler.js'));
    expect(first.func).toBe('OrderService.load');
  });
});
