// @lambdaware/records' per-source entry point through the real Lambda runtime client (aws-lambda-ric, by the cli's
// invoke()), as it is and as the esbuild bundle a deployment ships: the partial batch response names the failed
// record, and its failure line (the stderr fallback: no logger installed) is written whole, with the secret in the
// thrown message masked.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from '@jest/globals';
import { build } from 'esbuild';
import { invoke } from '@lambdaware/cli';
import { sqsEvent } from '@lambdaware/events';

const TOKEN = 'tok-sqs-7e3a9c1b5d';
const fixture = fileURLToPath(new URL('./fixtures/records-sqs-entry.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'records-entry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bundled = async (): Promise<string> => {
  const outfile = join(dir, 'handler.mjs');
  await build({
    entryPoints: [fixture],
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    outfile,
    external: ['@aws-sdk/*'],
    logLevel: 'silent',
  });
  return outfile;
};

describe.each([
  ['from node_modules', async () => fixture],
  ['bundled by esbuild', bundled],
])('the SQS entry point %s', (_, file) => {
  test('batchItemFailures names the failed record; its failure line is whole and masked', async () => {
    const handlerFile = await file();
    if (handlerFile !== fixture) expect(statSync(handlerFile).size).toBeLessThan(64 * 1024); // @middy/core and the records entry point, not every source
    const event = sqsEvent([{ n: 1 }, { n: 2 }, { n: 3 }]);
    const result = await invoke({ handler: `${handlerFile}#handler`, event });
    expect(result.status).toBe('success');
    expect(result.response).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[1]!.messageId }] });
    expect(`${result.logs.join('\n')}\n${result.payload}`).not.toContain(TOKEN);
    const lines = result.invocations[0]!.functionLines.map((l) => l.slice(l.indexOf('{'))).filter((l) => l.startsWith('{'));
    const failure = lines.map((l) => JSON.parse(l) as Record<string, any>).find((l) => l.level === 'ERROR');
    expect(failure).toMatchObject({
      message: `records: record 1 (sqs, id "${event.Records[1]!.messageId}") failed: eachRecord threw Error: downstream refused token **** for ${event.Records[1]!.messageId}`,
      index: 1,
      kind: 'handler',
      error: { name: 'Error', message: `downstream refused token **** for ${event.Records[1]!.messageId}` },
    });
  });
});
