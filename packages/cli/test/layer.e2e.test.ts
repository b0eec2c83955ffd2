// `invoke --layer`: layers mounted the way Lambda mounts them (extracted to a temporary /opt, the handler run from a
// copy of its task root), through the real aws-lambda-ric; the zip reader and writer they use; and the warning when
// Max Memory Used is over Memory Size.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { invoke, main } from '../src/index.js';
import { readZip, writeZip, type ZipEntry } from '../src/zip.js';

const hasCommand = (name: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

let work: string;
const file = (path: string, text: string): void => {
  mkdirSync(dirname(join(work, path)), { recursive: true });
  writeFileSync(join(work, path), text);
};
const entry = (path: string, text: string): ZipEntry => ({ path, data: Buffer.from(text), mode: 0o644 });
const esmPackage = (dir: string, value: string): ZipEntry[] => [
  entry(`${dir}/package.json`, JSON.stringify({ name: 'layer-esm', type: 'module', exports: './index.js' })),
  entry(`${dir}/index.js`, `export const where = ${JSON.stringify(value)};\n`),
];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'lambdaware-layer-test-'));
  // a layer: an ES module package, a CommonJS package, and a node22 copy of the ESM one (Lambda searches
  // nodejs/node<major>/node_modules before nodejs/node_modules)
  const major = /^v?(\d+)/.exec(process.version)?.[1] ?? '22';
  writeFileSync(
    join(work, 'layer.zip'),
    writeZip([
      ...esmPackage('nodejs/node_modules/layer-esm', 'nodejs/node_modules'),
      entry('nodejs/node_modules/layer-cjs/package.json', JSON.stringify({ name: 'layer-cjs', main: 'index.js' })),
      entry('nodejs/node_modules/layer-cjs/index.js', "exports.where = 'layer-cjs from nodejs/node_modules';\n"),
      ...esmPackage(`nodejs/node${major}/node_modules/layer-esm-versioned`, `nodejs/node${major}/node_modules`),
      ...esmPackage('nodejs/node_modules/layer-esm-versioned', 'nodejs/node_modules'),
    ]),
  );
  // ESM handler: bare imports from the layer, and @aws-sdk (left out of layers: the runtime's) from the project
  file(
    'esm/handler.mjs',
    [
      "import { where } from 'layer-esm';",
      "import { where as versioned } from 'layer-esm-versioned';",
      "import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';",
      'export const handler = async () => ({ where, versioned, sdk: typeof SecretsManagerClient, resolved: import.meta.resolve("layer-esm"), cwd: process.cwd() });',
    ].join('\n'),
  );
  // CommonJS handler: require() through NODE_PATH
  file('cjs/handler.cjs', "exports.handler = async () => ({ where: require('layer-cjs').where, nodePath: process.env.NODE_PATH });\n");
  // a deployment package with its own node_modules: Lambda searches the function's first, then the layers
  file('own/handler.mjs', "import { where } from 'layer-esm';\nexport const handler = async () => where;\n");
  file('own/node_modules/layer-esm/package.json', JSON.stringify({ name: 'layer-esm', type: 'module', exports: './index.js' }));
  file('own/node_modules/layer-esm/index.js', "export const where = 'the function package';\n");
  // Buffers live outside the V8 heap: the process's resident memory grows past Memory Size without a heap error
  file('hungry/handler.mjs', 'export const handler = async () => { const b = Buffer.alloc(200 * 1024 * 1024, 1); return b.length; };\n');
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the zip reader and writer', () => {
  it('reads back what it writes (stored and deflated entries, modes)', () => {
    const entries = [entry('a/small.txt', 'x'), { path: 'a/b/big.js', data: Buffer.from('console.log(1);\n'.repeat(500)), mode: 0o755 }];
    expect(readZip(writeZip(entries), 'test.zip')).toEqual(entries);
  });

  (hasCommand('unzip') ? it : it.skip)('writes archives unzip accepts, and reads archives zip writes (Info-ZIP, when installed)', () => {
    expect(execFileSync('unzip', ['-tq', join(work, 'layer.zip')], { encoding: 'utf8' })).toMatch(/No errors detected/);
    if (!hasCommand('zip')) return;
    execFileSync('zip', ['-qr', join(work, 'by-zip.zip'), 'esm', 'cjs'], { cwd: work });
    const read = readZip(readFileSync(join(work, 'by-zip.zip')), 'by-zip.zip');
    expect(read.find((e) => e.path === 'cjs/handler.cjs')?.data.toString()).toBe(readFileSync(join(work, 'cjs/handler.cjs'), 'utf8'));
  });

  it('refuses an entry pointing outside the directory, naming the archive and the entry', () => {
    expect(() => readZip(writeZip([entry('nodejs/../../etc/x', 'x')]), '--layer "evil.zip"')).toThrow(
      '--layer "evil.zip": not a zip archive Lambda could use: entry "nodejs/../../etc/x" points outside the archive\'s directory',
    );
    expect(() => readZip(Buffer.from('not a zip'), 'x.zip')).toThrow('x.zip: not a zip archive Lambda could use: no end of central directory record');
  });
});

describe('invoke --layer', () => {
  it('an ES module handler imports from the layer (node<major> first), the AWS SDK from the project, run from a copy of its task root', async () => {
    const result = await invoke({ handler: join(work, 'esm/handler.mjs'), layers: [join(work, 'layer.zip')], cwd: process.cwd() });
    expect(result.error).toBeUndefined();
    const response = result.response as Record<string, string>;
    expect(response.where).toBe('nodejs/node_modules');
    expect(response.versioned).toMatch(/^nodejs\/node\d+\/node_modules$/);
    expect(response.sdk).toBe('function');
    expect(response.resolved).toMatch(/\/opt\/nodejs\/node_modules\/layer-esm\/index\.js$/);
    expect(response.cwd).not.toBe(join(work, 'esm'));
  });

  it('a CommonJS handler requires from the layer through NODE_PATH', async () => {
    const result = await invoke({ handler: join(work, 'cjs/handler.cjs'), layers: [join(work, 'layer.zip')] });
    expect(result.error).toBeUndefined();
    const response = result.response as Record<string, string>;
    expect(response.where).toBe('layer-cjs from nodejs/node_modules');
    expect(
      response.nodePath
        .split(':')
        .slice(0, 2)
        .map((p) => p.replace(/^.*\/opt\//, '/opt/')),
    ).toEqual([`/opt/nodejs/node${/^v?(\d+)/.exec(process.version)?.[1] ?? '22'}/node_modules`, '/opt/nodejs/node_modules']);
  });

  it('with --concurrency too (Managed Instances: the layer is mounted for the one execution environment)', async () => {
    const result = await invoke({
      handler: join(work, 'esm/handler.mjs'),
      layers: [join(work, 'layer.zip')],
      cwd: process.cwd(),
      concurrency: 2,
      events: [{}, {}, {}],
    });
    expect(result.invocations.map((i) => i.status)).toEqual(['success', 'success', 'success']);
    expect(result.invocations.map((i) => (i.response as Record<string, string>).where)).toEqual([
      'nodejs/node_modules',
      'nodejs/node_modules',
      'nodejs/node_modules',
    ]);
  });

  it("the function's own node_modules comes before the layer, as on Lambda", async () => {
    const result = await invoke({ handler: join(work, 'own/handler.mjs'), layers: [join(work, 'layer.zip')] });
    expect(result.response).toBe('the function package');
  });

  it('without the layer the same handler fails to load (the packages come from the layer, not from elsewhere)', async () => {
    const result = await invoke({ handler: join(work, 'esm/handler.mjs') });
    expect(result.status).toBe('init-error');
    expect(`${result.error?.errorType} ${result.error?.errorMessage}`).toMatch(/layer-esm/);
  });

  it('the command line: --layer, and a missing layer named in the usage error', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } };
    expect(await main(['invoke', join(work, 'cjs/handler.cjs'), '--layer', join(work, 'layer.zip')], io)).toBe(0);
    expect(JSON.parse(out.join('')).where).toBe('layer-cjs from nodejs/node_modules');
    err.length = 0;
    expect(await main(['invoke', join(work, 'cjs/handler.cjs'), '--layer', join(work, 'missing.zip')], io)).toBe(3);
    expect(err.join('')).toContain(`lambdaware: --layer "${join(work, 'missing.zip')}": no such file or directory`);
  });

  it('a TypeScript handler with layers is refused with the reason', async () => {
    await expect(invoke({ handler: join(work, 'x.ts'), layers: [join(work, 'layer.zip')] })).rejects.toThrow(
      /option "layers" cannot be given with a TypeScript handler/,
    );
  });
});

describe('Max Memory Used over Memory Size', () => {
  it('is warned about (on the output and in the result): Lambda would stop that environment', async () => {
    const written: string[] = [];
    const result = await invoke({ handler: join(work, 'hungry/handler.mjs'), memory: 128, output: { write: (t: string) => written.push(t) } });
    expect(result.status).toBe('success');
    expect(result.report.maxMemoryUsedMb).toBeGreaterThan(128);
    const warning = `lambdaware: warning: RequestId: ${result.requestId} Max Memory Used ${result.report.maxMemoryUsedMb} MB is over Memory Size 128 MB`;
    expect(result.invocations[0].warnings?.[0]).toContain(warning);
    expect(result.invocations[0].warnings?.[0]).toContain('Runtime.OutOfMemory');
    expect(written.join('')).toContain(warning);
  });

  it('says nothing within the size', async () => {
    const result = await invoke({ handler: join(work, 'cjs/handler.cjs'), memory: 1024, layers: [join(work, 'layer.zip')] });
    expect(result.report.maxMemoryUsedMb).toBeLessThanOrEqual(1024);
    expect(result.invocations[0].warnings).toBeUndefined();
  });
});
