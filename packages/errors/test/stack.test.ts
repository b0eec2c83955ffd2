import { describe, expect, it } from '@jest/globals';
import { pathToFileURL } from 'node:url';
import { parseFrame, parseStack, serializeError } from '@lambdaware/errors';

describe('parseFrame: the V8 frame formats', () => {
  it.each([
    ['    at handler (/var/task/index.js:10:15)', { func: 'handler', file: '/var/task/index.js', line: 10, column: 15 }],
    ['    at /var/task/index.js:3:7', { func: '<anonymous>', file: '/var/task/index.js', line: 3, column: 7 }],
    ['    at async Promise.all (index 0)', { func: 'Promise.all', file: 'index 0', async: true }],
    ['    at async run (/var/task/index.mjs:22:5)', { func: 'run', file: '/var/task/index.mjs', line: 22, column: 5, async: true }],
    ['    at new Client (/var/task/client.js:4:11)', { func: 'new Client', file: '/var/task/client.js', line: 4, column: 11 }],
    ['    at Object.<anonymous> (/var/task/index.js:1:1)', { func: 'Object.<anonymous>', file: '/var/task/index.js', line: 1, column: 1 }],
    ['    at Array.map (<anonymous>)', { func: 'Array.map', file: '<anonymous>' }],
    ['    at Array.forEach (native)', { func: 'Array.forEach', file: 'native' }],
    ['    at native', { func: '<anonymous>', file: 'native' }],
    ['    at file:///var/task/index.mjs:5:9', { func: '<anonymous>', file: '/var/task/index.mjs', line: 5, column: 9 }],
    ['    at go (file:///var/task/my%20dir/index.mjs:5:9)', { func: 'go', file: '/var/task/my dir/index.mjs', line: 5, column: 9 }],
    [
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      { func: 'process.processTicksAndRejections', file: 'node:internal/process/task_queues', line: 95, column: 5 },
    ],
    ['    at eval (eval at run (/var/task/index.js:3:10), <anonymous>:1:7)', { func: 'eval', file: '/var/task/index.js', line: 3, column: 10 }],
    [
      '    at eval (eval at <anonymous> (eval at run (file:///var/task/a.mjs:3:10), <anonymous>:1:1), <anonymous>:1:1)',
      { func: 'eval', file: '/var/task/a.mjs', line: 3, column: 10 },
    ],
    ['    at Object.foo [as bar] (/var/task/x.js:2:3)', { func: 'Object.foo [as bar]', file: '/var/task/x.js', line: 2, column: 3 }],
    ['    at Foo.<computed> [as (x)] (/home/me (1)/x.js:2:3)', { func: 'Foo.<computed> [as (x)]', file: '/home/me (1)/x.js', line: 2, column: 3 }],
    ['    at fn (C:\\work\\index.js:8:1)', { func: 'fn', file: 'C:\\work\\index.js', line: 8, column: 1 }],
  ])('%s', (line, expected) => {
    expect(parseFrame(line)).toEqual(expected);
  });

  it('ignores lines that are not frames', () => {
    expect(parseFrame('Error: boom')).toBeUndefined();
    expect(parseFrame('')).toBeUndefined();
  });
});

describe('parseStack', () => {
  const stack = [
    'Error: multi',
    'line message',
    '    at handler (/var/task/index.js:10:15)',
    '    at runRequest (/var/task/node_modules/@middy/core/index.js:150:32)',
    '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
    '    at async Runtime.handleOnceNonStreaming (file:///var/runtime/index.mjs:1206:25)',
  ].join('\n');

  it('trims node internals by default and keeps node_modules', () => {
    expect(parseStack(stack).map((f) => f.func)).toEqual(['handler', 'runRequest', 'Runtime.handleOnceNonStreaming']);
  });
  it('trims node_modules on request, and keeps internals on request', () => {
    expect(parseStack(stack, { trimNodeModules: true }).map((f) => f.func)).toEqual(['handler', 'Runtime.handleOnceNonStreaming']);
    expect(parseStack(stack, { trimNodeInternals: false })).toHaveLength(4);
  });

  it('does not take message lines that look like frames for frames', () => {
    const e = new Error('bad input:\n    at fake (/nowhere.js:1:1)');
    const frames = serializeError(e).stacktrace;
    expect(frames.some((f) => f.file === '/nowhere.js')).toBe(false);
    expect(frames[0].file).toMatch(/stack\.test\.ts$/);
  });
});

describe('frames of real errors', () => {
  // Async frames (`at async outer`) are asserted on tsc output in sourcemap.test.ts: swc rewrites async here.
  it('names constructors and keeps the call order, innermost first', async () => {
    class Thing {
      constructor() {
        throw new Error('in constructor');
      }
    }
    const build = async (): Promise<Thing> => {
      await Promise.resolve();
      return new Thing();
    };
    async function outerAsync(): Promise<Thing> {
      return await build();
    }
    const error = await outerAsync().catch((e: unknown) => e);
    const frames = serializeError(error).stacktrace;
    expect(frames[0].func).toBe('new Thing');
    expect(frames.map((f) => f.func).slice(0, 3)).toEqual(['new Thing', 'build', 'outerAsync']);
  });

  it('turns file:// URLs into paths', () => {
    const url = pathToFileURL('/var/task/some dir/handler.mjs').href;
    const frames = parseStack(`Error: x\n    at h (${url}:12:3)`);
    expect(frames).toEqual([{ func: 'h', file: '/var/task/some dir/handler.mjs', line: 12, column: 3 }]);
  });

  it('points eval frames at the eval call site', () => {
    let error: unknown;
    try {
      // eslint-disable-next-line no-eval
      (0, eval)('throw new Error("from eval")');
    } catch (e) {
      error = e;
    }
    const [first] = serializeError(error).stacktrace;
    expect(first.func).toBe('eval');
    expect(first.file).toMatch(/stack\.test\.ts$/);
  });
});
