import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// End to end through the built package (dist/) in a fresh Node process whose stdout is a real pipe: the shared
// `logger` reads the environment when the module loads, and every line reaches the real process.stdout.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const node = `${root}node_modules/.bin/node`;

const SCRIPT = `
import middy from '@middy/core';
import { logger, createLogger, logContext } from '@lambdaware/logger';
import { registerSecret, getLogSink } from '@lambdaware/shared';
createLogger(); // a second logger under the same environment: no second warning
registerSecret('tok-e2e-secret');
const handler = middy(async (event) => {
  logger.set('orderId', event.orderId);
  logger.debug('debug line');
  logger.with('token', 'tok-e2e-secret').info('info line');
  if (event.fail) throw new Error('failed with tok-e2e-secret');
  return 'ok';
})
  .use(logContext())
  .use({ onError: (r) => getLogSink().log('error', r.error.message, { error: { message: r.error.message } }) });
await handler({ orderId: 'o-1', fail: true }, { awsRequestId: 'req-1', functionName: 'fn' }).catch(() => undefined);
await handler({}, { awsRequestId: 'req-2', functionName: 'fn' });
`;

const run = async (env: Record<string, string>) => {
  const { stdout, stderr } = await promisify(execFile)(node, ['--input-type=module', '-e', SCRIPT], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand', ...env },
  });
  return {
    lines: stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>),
    stdout,
    stderr,
  };
};

describe('through the built package, on a real stdout', () => {
  it('LOG_LEVEL=Debug: debug lines, context keys, no leak, one error line from the sink, secrets masked', async () => {
    const { lines, stdout, stderr } = await run({ LOG_LEVEL: 'Debug' });
    expect(stderr).toBe('');
    expect(stdout).not.toContain('tok-e2e-secret');
    expect(lines.map((l) => [l.level, l.message, l.function_request_id, l.orderId, l.cold_start])).toEqual([
      ['DEBUG', 'debug line', 'req-1', 'o-1', true],
      ['INFO', 'info line', 'req-1', 'o-1', true],
      ['ERROR', 'failed with ****', 'req-1', 'o-1', true],
      ['DEBUG', 'debug line', 'req-2', undefined, false],
      ['INFO', 'info line', 'req-2', undefined, false],
    ]);
    expect(lines[1].token).toBe('****');
  }, 20000);

  it('AWS_LAMBDA_LOG_LEVEL=ERROR wins over LOG_LEVEL=debug', async () => {
    const { lines } = await run({ AWS_LAMBDA_LOG_LEVEL: 'ERROR', LOG_LEVEL: 'debug' });
    expect(lines.map((l) => l.level)).toEqual(['ERROR']);
  }, 20000);

  it('LOG_LEVEL=loud: one warning line for the whole process, then info', async () => {
    const { lines } = await run({ LOG_LEVEL: 'loud' });
    expect(lines.map((l) => l.level)).toEqual(['WARN', 'INFO', 'ERROR', 'INFO']);
    expect(lines[0].message).toMatch(/^LOG_LEVEL="loud" is not a log level .*logging at info/);
  }, 20000);
});
