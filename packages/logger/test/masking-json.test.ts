import { afterEach, describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import { clearSecrets, registerSecret, setLogSink } from '@lambdaware/shared';
import { captureOutput } from '@lambdaware/testkit';
import { createLogger, logContext } from '@lambdaware/logger';
import { context } from './helpers.js';

// Short secrets that also occur as JSON literals (issue 14's "true" and "5432"): masking is structural, so a line
// stays JSON and numbers and booleans are never cut. (A file of its own: the run's secret scan checks every line of
// a test file against every secret the file registers.)

afterEach(() => {
  clearSecrets();
  setLogSink(undefined);
});

describe('masking never breaks a line', () => {
  it('secrets "true" and "5432": every line is valid JSON, numbers and booleans intact', async () => {
    registerSecret({ flag: 'true', port: '5432' });
    const log = createLogger();
    const handler = middy(async () => {
      log.info('totals', { total: 154320, port: 5432, ok: true, list: [true, 5432, 'x'] });
    }).use(logContext({ logger: log, logEvent: true }));
    const out = await captureOutput(() => handler({ enabled: true, count: 15432 }, context('req-json')));
    const lines = out.stdoutLines(); // each line JSON.parse'd: a line that is not JSON fails here
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ cold_start: expect.any(Boolean), event: { enabled: true, count: 15432 } });
    expect(lines[1]).toMatchObject({ total: 154320, port: 5432, ok: true, list: [true, 5432, 'x'] });
  });
});
