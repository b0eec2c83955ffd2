// End-to-end through the real aws-lambda-ric: a child Node process per execution environment, talking to the
// Runtime API that invoke() serves on 127.0.0.1.
import { describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { invoke, loadEvent, type InvocationResult } from '../src/index.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const REPORT =
  /^REPORT RequestId: (\S+)\tDuration: (\d+\.\d\d) ms\tBilled Duration: (\d+) ms\tMemory Size: (\d+) MB\tMax Memory Used: (\d+) MB(?:\tInit Duration: (\d+\.\d\d) ms)?(?:\tStatus: (\w+))?(?:\tError Type: (\S+))?$/;

/** The platform lines (START/END/REPORT) of one invocation, checked for shape and request id. */
function platformLines(result: InvocationResult) {
  const id = result.requestId;
  const start = result.logs.indexOf(`START RequestId: ${id} Version: $LATEST`);
  const end = result.logs.indexOf(`END RequestId: ${id}`);
  const report = result.logs.findIndex((line) => line.startsWith(`REPORT RequestId: ${id}\t`));
  expect(start).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start);
  expect(report).toBe(end + 1);
  const match = REPORT.exec(result.logs[report]);
  expect(match).not.toBeNull();
  const [, , duration, billed, memory, used, init, status, errorType] = match!;
  return { start, end, report, duration: Number(duration), billed: Number(billed), memory: Number(memory), used: Number(used), init, status, errorType };
}

describe('invoke() through aws-lambda-ric', () => {
  it('returns the response and prints START, the function lines, END and REPORT with Init Duration', async () => {
    const result = await invoke({
      handler: fixture('success.mjs'),
      event: { hello: 'world' },
      memory: 256,
      env: { GREETING: 'hi' },
      functionName: 'orders',
      region: 'eu-west-1',
      clientContext: { client: { app_title: 'demo' } },
    });
    expect(result.exitCode).toBe(0);
    expect(result.status).toBe('success');
    expect(result.requestId).toMatch(UUID);
    const response = result.response as Record<string, any>;
    expect(response.event).toEqual({ hello: 'world' });
    expect(response.requestId).toBe(result.requestId);
    expect(response.functionName).toBe('orders');
    expect(response.memoryLimitInMB).toBe('256');
    expect(response.invokedFunctionArn).toBe('arn:aws:lambda:eu-west-1:123456789012:function:orders');
    expect(response.remainingMs).toBeGreaterThan(0);
    expect(response.remainingMs).toBeLessThanOrEqual(3000);
    expect(response.clientContext).toEqual({ client: { app_title: 'demo' } });
    expect(response.env.GREETING).toBe('hi');
    expect(response.env.TRACE).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
    expect(response.cwd).toBe(fileURLToPath(new URL('./fixtures', import.meta.url)));
    expect(JSON.parse(result.payload)).toEqual(response);

    const invocation = result.invocations[0];
    const lines = platformLines(invocation);
    expect(lines.memory).toBe(256);
    expect(lines.init).toBeDefined();
    expect(lines.used).toBeGreaterThan(10); // VmHWM of a Node process
    // Billed = ceil(duration + init) on the exact values; the printed ones are rounded to 2 decimals.
    expect(lines.billed).toBe(result.report.billedDurationMs);
    expect(result.report.billedDurationMs).toBe(Math.ceil(result.report.durationMs + result.report.initDurationMs!));
    expect(Math.abs(lines.billed - (lines.duration + Number(lines.init)))).toBeLessThanOrEqual(1.01);
    expect(lines.status).toBeUndefined();
    expect(result.report.initDurationMs).toBeCloseTo(Number(lines.init), 1);
    // the function's own line, between START and END, in the runtime's text format with the request id
    const own = invocation.logs.slice(lines.start + 1, lines.end);
    expect(own).toEqual([expect.stringMatching(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t${result.requestId}\\tINFO\\thandling 17 bytes$`))]);
    expect(invocation.functionLines).toEqual(own);
  });

  it('returns the error as Lambda does: {errorType, errorMessage, trace}, exit code 1', async () => {
    const result = await invoke({ handler: fixture('throws.mjs'), event: { id: 'o-7' } });
    expect(result.exitCode).toBe(1);
    expect(result.status).toBe('error');
    expect(Object.keys(result.error!)).toEqual(['errorType', 'errorMessage', 'trace']);
    expect(result.error).toMatchObject({ errorType: 'OrderRejected', errorMessage: 'order o-7 rejected' });
    expect(result.error!.trace![0]).toBe('OrderRejected: order o-7 rejected');
    expect(result.error!.trace![1]).toContain('throws.mjs:10');
    expect(JSON.parse(result.payload)).toEqual(result.error);
    const lines = platformLines(result.invocations[0]);
    expect(lines.status).toBeUndefined(); // a function error is not a platform failure: no Status in REPORT
    const own = result.invocations[0].logs.slice(lines.start + 1, lines.end).join('\n');
    expect(own).toContain(`${result.requestId}\tERROR\tabout to fail for o-7`);
    expect(own).toContain(`${result.requestId}\tERROR\tInvoke Error \t{"errorType":"OrderRejected"`);
  });

  it('stops a handler that runs past the timeout and reports Task timed out, exit code 2', async () => {
    const started = performance.now();
    const result = await invoke({ handler: fixture('slow.mjs'), timeout: 0.5 });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(result.exitCode).toBe(2);
    expect(result.status).toBe('timeout');
    expect(result.error).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${result.requestId} Error: Task timed out after 0.50 seconds`,
    });
    const invocation = result.invocations[0];
    const lines = platformLines(invocation);
    expect(lines.status).toBe('timeout');
    expect(lines.duration).toBe(500);
    expect(invocation.logs[lines.start + 1]).toMatch(/\tINFO\tstarted, waiting$/);
    expect(invocation.logs[lines.report + 1]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z ${result.requestId} Task timed out after 0\\.50 seconds$`));
  });

  it('keeps the environment warm across events: Init Duration only on the first REPORT, module state kept', async () => {
    const result = await invoke({ handler: fixture('success.mjs'), events: [{ n: 1 }, { n: 2 }, { n: 3 }] });
    expect(result.exitCode).toBe(0);
    const [first, second, third] = result.invocations;
    expect([first.cold, second.cold, third.cold]).toEqual([true, false, false]);
    expect(platformLines(first).init).toBeDefined();
    expect(platformLines(second).init).toBeUndefined();
    expect(platformLines(third).init).toBeUndefined();
    expect(second.report.initDurationMs).toBeUndefined();
    const responses = result.invocations.map((i) => i.response as Record<string, any>);
    expect(responses.map((r) => r.invocations)).toEqual([1, 2, 3]);
    expect(new Set(responses.map((r) => r.loadedAt)).size).toBe(1);
    expect(responses.map((r) => r.event.n)).toEqual([1, 2, 3]);
    expect(new Set(result.invocations.map((i) => i.requestId)).size).toBe(3);
    // the last invocation's fields are on the result itself
    expect(result.requestId).toBe(third.requestId);
  });

  it('starts a new environment after a timeout, as Lambda does', async () => {
    const result = await invoke({ handler: fixture('success.mjs'), events: [{ n: 1 }, { n: 2 }], timeout: 0.5 });
    expect(result.invocations.map((i) => i.cold)).toEqual([true, false]);
    const again = await invoke({ handler: fixture('slow.mjs'), events: [{}, {}], timeout: 0.3 });
    expect(again.invocations.map((i) => [i.status, i.cold])).toEqual([
      ['timeout', true],
      ['timeout', true],
    ]);
  });

  it('reports init errors through /init/error: top-level throw, handler not a function, module not found', async () => {
    const thrown = await invoke({ handler: fixture('init-throw.mjs') });
    expect(thrown.exitCode).toBe(3);
    expect(thrown.status).toBe('init-error');
    expect(thrown.error).toMatchObject({ errorType: 'Error', errorMessage: 'config missing: TABLE_NAME' });
    expect(thrown.error!.trace![1]).toContain('init-throw.mjs:1');
    expect(thrown.logs).toContainEqual(expect.stringMatching(/^INIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: init\tStatus: error\tError Type: Error$/));
    const lines = platformLines(thrown.invocations[0]);
    expect([lines.status, lines.errorType, lines.init]).toEqual(['error', 'Error', undefined]);

    const notFunction = await invoke({ handler: fixture('not-a-function.mjs') });
    expect(notFunction.exitCode).toBe(3);
    expect(notFunction.error).toMatchObject({
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: 'not-a-function.handler is not a function',
    });

    const notExported = await invoke({ handler: `${fixture('success.mjs')}#missingExport` });
    expect(notExported.error).toMatchObject({
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: 'success.missingExport is undefined or not exported',
    });

    const missing = await invoke({ handler: fixture('no-such-module.mjs') });
    expect(missing.exitCode).toBe(3);
    expect(missing.error!.errorType).toBe('Runtime.ImportModuleError');
    expect(missing.error!.errorMessage).toContain("Cannot find module 'no-such-module'");
  });

  it('reports a runtime that exits during the invocation as Runtime.ExitError', async () => {
    const result = await invoke({ handler: fixture('exits.mjs') });
    expect(result.exitCode).toBe(1);
    expect(result.error).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${result.requestId} Error: Runtime exited with error: exit status 7`,
    });
    const lines = platformLines(result.invocations[0]);
    expect([lines.status, lines.errorType]).toEqual(['error', 'Runtime.ExitError']);
    expect(result.invocations[0].functionLines).toEqual([expect.stringMatching(/\tINFO\texiting$/)]);
  });

  it('passes console lines through in order: init lines before START, the rest between START and END', async () => {
    const written: string[] = [];
    const result = await invoke({ handler: fixture('console.mjs'), output: { write: (text: string) => written.push(text) } });
    const invocation = result.invocations[0];
    const lines = platformLines(invocation);
    expect(invocation.logs[lines.start - 1]).toMatch(/\t-\tINFO\tinit line from the module top level$/);
    const own = invocation.logs.slice(lines.start + 1, lines.end);
    expect(own.slice(0, 3)).toEqual([
      expect.stringMatching(new RegExp(`\\t${result.requestId}\\tINFO\\tinfo line$`)),
      expect.stringMatching(new RegExp(`\\t${result.requestId}\\tWARN\\twarn line$`)),
      expect.stringMatching(new RegExp(`\\t${result.requestId}\\tERROR\\terror line { code: 42 }$`)),
    ]);
    // stdout and stderr are two pipes: each in order, interleaving between them is not guaranteed
    expect(own.slice(3).sort()).toEqual(['raw stderr line', 'raw stdout line']);
    expect(written.join('')).toBe(result.logs.map((line) => line + '\n').join(''));
    expect(result.response).toBe('logged');
  });

  it('logs every console line before END, a multi-line entry as one event (the telemetry fd, as on Lambda)', async () => {
    const result = await invoke({ handler: fixture('chatty.mjs'), events: [{ lines: 3000 }, { lines: 10 }] });
    for (const [index, invocation] of result.invocations.entries()) {
      const lines = platformLines(invocation);
      const own = invocation.logs.slice(lines.start + 1, lines.end);
      const expected = index === 0 ? 3000 : 10;
      expect(own).toHaveLength(expected + 1);
      expect(own[expected - 1]).toMatch(new RegExp(`\\t${invocation.requestId}\\tINFO\\tline ${expected - 1} x+$`));
      expect(own[expected]).toMatch(new RegExp(`\\t${invocation.requestId}\\tERROR\\tfirst\\nsecond\\nthird$`));
    }
  });

  it('invokes with an SQS event built by name from @lambdaware/events', async () => {
    const event = await loadEvent('sqs', [{ message: 'blue' }, { message: 'orange' }]);
    const result = await invoke({ handler: fixture('records.mjs'), event });
    expect(result.response).toEqual({ joined: 'blue:orange', count: 2, source: 'aws:sqs' });
  });
});
