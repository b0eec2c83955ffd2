import { afterEach, describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { correlationIdOf, recentLinesOf, setLogSink } from '@lambdaware/shared';
import { captureOutput } from '@lambdaware/testkit';
import { LoggerOptionsError, correlationId, correlationPaths, createLogger, logContext } from '@lambdaware/logger';
import { context, readEvent } from './helpers.js';

// Issue 22: logContext({ correlationIdPath }) sets correlation_id on every line, readable in the handler
// (correlationId()) and on the request for the Sentry event (correlationIdOf(request) of @lambdaware/shared).

afterEach(() => {
  setLogSink(undefined);
});

const run = async (correlationIdPath: string, event: unknown, id = 'req-c') => {
  const log = createLogger();
  let inHandler: string | undefined;
  let onRequest: string | undefined;
  const handler = middy(async () => {
    inHandler = correlationId();
    log.info('in handler');
  })
    .use(logContext({ logger: log, correlationIdPath }))
    .use({ before: (request) => void (onRequest = correlationIdOf(request)) });
  const out = await captureOutput(() => handler(event, context(id)));
  return { line: out.stdoutLines()[0], inHandler, onRequest };
};

describe('presets (the paths of Powertools’ correlationPaths) on the real sample events', () => {
  it.each([
    ['API_GATEWAY_REST', 'apigw-request.json', 'deef4878-7910-11e6-8f14-25afc3e9ae33'],
    ['API_GATEWAY_HTTP', 'apigw-v2-request-no-authorizer.json', 'LV7fzho-PHcEJPw='],
    ['LAMBDA_FUNCTION_URL', 'lambda-urls-request.json', 'id'],
  ])('%s on %s', async (preset, file, expected) => {
    const { line, inHandler, onRequest } = await run(preset, await readEvent(file));
    expect(line).toMatchObject({ correlation_id: expected, function_request_id: 'req-c' });
    expect(inHandler).toBe(expected);
    expect(onRequest).toBe(expected);
  });

  it('APPLICATION_LOAD_BALANCER reads the x-amzn-trace-id header; EVENT_BRIDGE the event id', async () => {
    const alb = await run('APPLICATION_LOAD_BALANCER', { headers: { 'x-amzn-trace-id': 'Root=1-58337262-36d228ad5d99923122bbe354' } });
    expect(alb.line.correlation_id).toBe('Root=1-58337262-36d228ad5d99923122bbe354');
    const eb = await run('EVENT_BRIDGE', { id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718', source: 'aws.ec2', detail: {} });
    expect(eb.line.correlation_id).toBe('6a7e8feb-b491-4cf7-a9f1-bf3703467718');
    expect(Object.keys(correlationPaths)).toEqual(
      expect.arrayContaining(['API_GATEWAY_REST', 'API_GATEWAY_HTTP', 'APPLICATION_LOAD_BALANCER', 'EVENT_BRIDGE']),
    );
  });
});

describe('paths', () => {
  it('a quoted key, header names in any letter case, array indexes, numbers', async () => {
    expect((await run('headers."x-correlation-id"', { headers: { 'X-Correlation-Id': 'abc-1' } })).line.correlation_id).toBe('abc-1');
    expect((await run('Records[1].messageId', { Records: [{ messageId: 'm-0' }, { messageId: 'm-1' }] })).line.correlation_id).toBe('m-1');
    expect((await run('detail.orderNo', { detail: { orderNo: 42 } })).line.correlation_id).toBe('42');
  });

  it('nothing at the path (or not a string/number): no correlation_id, and none left from the last invocation', async () => {
    const log = createLogger();
    const seen: (string | undefined)[] = [];
    const handler = middy(async () => {
      seen.push(correlationId());
      log.info('x');
    }).use(logContext({ logger: log, correlationIdPath: 'id' }));
    const a = await captureOutput(() => handler({ id: 'first' }, context('req-1')));
    const b = await captureOutput(() => handler({ id: { nested: true } }, context('req-2')));
    const c = await captureOutput(() => handler(null, context('req-3')));
    expect(a.stdoutLines()[0].correlation_id).toBe('first');
    expect(b.stdoutLines()[0]).not.toHaveProperty('correlation_id');
    expect(c.stdoutLines()[0]).not.toHaveProperty('correlation_id');
    expect(seen).toEqual(['first', undefined, undefined]);
  });

  it('on the sink lines and the recent lines (for the Sentry event) too', async () => {
    const log = createLogger();
    let recent: readonly { data?: Record<string, unknown> }[] = [];
    const handler = middy(async () => {
      log.info('x');
      throw new Error('boom');
    })
      .use(logContext({ logger: log, correlationIdPath: 'id' }))
      .use({ onError: (request) => void (recent = recentLinesOf(request)) });
    await captureOutput(() => handler({ id: 'corr-s' }, context('req-s')));
    expect(recent[0]?.data?.correlation_id).toBe('corr-s');
  });

  it("with the team's Powertools Logger: Powertools' own correlation_id key (setCorrelationId)", async () => {
    const teamLogger = new Logger({ serviceName: 'orders' });
    const handler = middy(async () => teamLogger.info('x')).use(logContext({ logger: teamLogger, correlationIdPath: 'API_GATEWAY_REST' }));
    const event = await readEvent('apigw-request.json');
    const out = await captureOutput(() => handler(event, context('req-t')));
    expect(out.stdoutLines()[0]).toMatchObject({ correlation_id: 'deef4878-7910-11e6-8f14-25afc3e9ae33', function_request_id: 'req-t' });
  });

  it.each([['a..b'], ['headers."unclosed'], [''], ['[0]'], ['a.'], ['API_GATEWAY']])('a bad path %j is a LoggerOptionsError naming the option', (path) => {
    expect(() => logContext({ correlationIdPath: path })).toThrow(LoggerOptionsError);
    expect(() => logContext({ correlationIdPath: path })).toThrow(/^logContext\(\): option "correlationIdPath" must be a path like 'requestContext.requestId'/);
  });
});
