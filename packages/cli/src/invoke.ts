// Runs a handler the way Lambda does: a Runtime API on 127.0.0.1, the real aws-lambda-ric in a child Node process
// (the execution environment, environment.ts), one invocation at a time, the deadline enforced, CloudWatch-like
// platform lines (report.ts). This file is the invocation loop: a cold start when there is no environment, then
// one invocation, ended by its outcome, the runtime's exit or the deadline.
import { randomUUID } from 'node:crypto';
import { invokeConcurrently } from './concurrent.js';
import { type HandlerLocation, resolveHandler } from './handler.js';
import { mountLayers } from './layer.js';
import { type InvocationResult, type InvokeOptions, type InvokeResult, type Validated, EXIT_CODES, checker, validate } from './options.js';
import { type Environment, SingleHost } from './environment.js';
import {
  type Report,
  endLine,
  exitMessage,
  initReportLine,
  memoryWarning,
  parseResponse,
  peakMemoryMb,
  reportLine,
  startLine,
  summarize,
  timedOutError,
  timeoutLine,
} from './report.js';
import { type LambdaErrorBody, invocationHeaders } from './runtime-api.js';
import { bundleTypeScript, isTypeScriptHandler } from './typescript.js';

export { EXIT_CODES, validate, type Validated } from './options.js';
export type { ExitCode, InvocationResult, InvocationStatus, InvokeOptions, InvokeResult } from './options.js';
export { functionEnvironment, logStreamName } from './environment.js';
export { RIC_ENTRY, nodeArguments } from './ric-adapter.js';
export { traceId } from './runtime-api.js';

/**
 * Invokes a handler through the real AWS Lambda runtime interface client, as Lambda would, and returns what
 * Lambda would return and log. Throws `InvokeUsageError` for bad options (`InvokeOptionsError`, the shared
 * OptionsError); everything the function does (throw, time out, fail to load) is in the result.
 */
export async function invoke(options: InvokeOptions): Promise<InvokeResult> {
  const validated = validate(options);
  if (typeof options.handler === 'string' && isTypeScriptHandler(options.handler)) {
    if (options.layers !== undefined) {
      throw checker.error('layers', {
        problem: `cannot be given with a TypeScript handler ("${options.handler}"): its bundle would hold the packages the layer should provide; build the handler to JavaScript (with the layer's packages external) and pass that file`,
      });
    }
    if (options.taskRoot !== undefined) {
      throw checker.error('taskRoot', {
        problem: `cannot be given with a TypeScript handler ("${options.handler}"): it is bundled into one file whose directory is the task root, as in a bundled deployment; leave taskRoot out, or build first and pass the JavaScript file`,
      });
    }
    const bundle = await bundleTypeScript(options.handler, options.cwd);
    try {
      return await run({ ...options, handler: bundle.handler, cwd: undefined }, validated, ['--enable-source-maps']);
    } finally {
      bundle.remove();
    }
  }
  return run(options, validated, []);
}

async function run(options: InvokeOptions, validated: Validated, execArgv: string[]): Promise<InvokeResult> {
  const location = resolveHandler(options.handler, { taskRoot: options.taskRoot, cwd: options.cwd });
  if (options.layers === undefined) return runAt(options, validated, location, execArgv);
  const mounted = mountLayers(options.layers, location, options.cwd ?? process.cwd());
  try {
    return await runAt({ ...options, env: { ...mounted.env, ...options.env } }, validated, mounted.location, [...execArgv, ...mounted.execArgv]);
  } finally {
    mounted.remove();
  }
}

async function runAt(options: InvokeOptions, validated: Validated, location: HandlerLocation, execArgv: string[]): Promise<InvokeResult> {
  if (validated.concurrency !== undefined) return invokeConcurrently(options, validated, location, execArgv);
  const host = new SingleHost(options, location, validated.memory, execArgv);
  await host.open();
  const results: InvocationResult[] = [];
  try {
    for (const event of validated.events) results.push(await invokeOnce(host, options, validated, event));
  } finally {
    await host.close();
  }
  return summarize(results, host.capture.all);
}

/** One event: a cold start first when there is no environment (or it exited), then the invocation. */
async function invokeOnce(host: SingleHost, options: InvokeOptions, validated: Validated, event: unknown): Promise<InvocationResult> {
  const requestId = randomUUID();
  host.capture.begin(requestId);
  if (host.env?.exit) await host.stop();
  if (host.env) return dispatch(host, options, validated, event, requestId, { cold: false, initDurationMs: undefined });
  const init = await coldStart(host, validated, requestId);
  if ('failed' in init) return init.failed;
  return dispatch(host, options, validated, event, requestId, { cold: true, initDurationMs: init.initDurationMs });
}

/** Starts an environment and waits for its init: its duration, or (init failed) the invocation's result. */
async function coldStart(host: SingleHost, validated: Validated, requestId: string): Promise<{ initDurationMs: number } | { failed: InvocationResult }> {
  const env = host.start();
  const signal = await host.take(['next', 'init-error', 'exit'], validated.initTimeout * 1000);
  if (signal.type === 'next') return { initDurationMs: signal.at - env.spawnedAt };
  // Init failed: the environment is discarded and the invocation fails with the init error.
  const failedAt = signal.type === 'init-error' ? signal.at : performance.now();
  const durationMs = failedAt - env.spawnedAt;
  const memoryMb = peakMemoryMb(env.child.pid) ?? env.memoryMb;
  let error: LambdaErrorBody;
  let status: 'error' | 'timeout' = 'error';
  if (signal.type === 'init-error') {
    error = signal.error;
    // give the runtime a moment to exit by itself and flush its last lines
    if (!env.exit) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([env.closed, new Promise((resolve) => (timer = setTimeout(resolve, 500)))]);
      clearTimeout(timer);
    }
  } else if (signal.type === 'exit') {
    error = { errorType: 'Runtime.ExitError', errorMessage: exitMessage(requestId, env.exit!.code, env.exit!.signal) };
  } else {
    status = 'timeout';
    error = timedOutError(requestId, validated.initTimeout);
  }
  await host.stop();
  const errorType = status === 'timeout' ? undefined : error.errorType;
  const report: Report = { durationMs, billedDurationMs: Math.ceil(durationMs), memorySizeMb: validated.memory, maxMemoryUsedMb: memoryMb, status, errorType };
  host.capture.emit(initReportLine(durationMs, status, errorType));
  host.capture.emit(startLine(requestId));
  host.capture.emit(endLine(requestId));
  host.capture.emit(reportLine(requestId, report));
  return {
    failed: host.capture.finish({ requestId, status: 'init-error', exitCode: EXIT_CODES.initError, cold: true, payload: JSON.stringify(error), error, report }),
  };
}

/** Hands the event to the runtime and waits for its outcome, the runtime's exit, or the deadline. */
async function dispatch(
  host: SingleHost,
  options: InvokeOptions,
  validated: Validated,
  event: unknown,
  requestId: string,
  start: { cold: boolean; initDurationMs: number | undefined },
): Promise<InvocationResult> {
  const current = host.env!;
  const { timeout } = validated;
  host.capture.emit(startLine(requestId));
  const startedAt = performance.now();
  host.api.dispatch({ requestId, body: JSON.stringify(event), headers: invocationHeaders(requestId, timeout, options) });
  const signal = await host.take(['outcome', 'exit'], timeout * 1000);
  /** The REPORT of this invocation: billed = duration + init (Lambda bills the init phase), memory read now. */
  const reportOf = (durationMs: number, outcome: Pick<Report, 'status' | 'errorType'> = {}): Report => ({
    durationMs,
    billedDurationMs: Math.ceil(durationMs + (start.initDurationMs ?? 0)),
    memorySizeMb: validated.memory,
    maxMemoryUsedMb: current.memoryMb,
    initDurationMs: start.initDurationMs,
    ...outcome,
  });
  const ended = (
    report: Report,
    result: Omit<InvocationResult, 'logs' | 'functionLines' | 'requestId' | 'cold' | 'report'>,
    timedOut = false,
  ): InvocationResult => {
    host.capture.emit(endLine(requestId));
    host.capture.emit(reportLine(requestId, report));
    if (timedOut) host.capture.emit(timeoutLine(requestId, timeout));
    const warning = memoryWarning(requestId, report);
    if (warning !== undefined) options.output?.write(warning + '\n');
    return host.capture.finish({ requestId, cold: start.cold, report, ...result, ...(warning === undefined ? {} : { warnings: [warning] }) });
  };

  if (signal.type === 'outcome') {
    const { outcome } = signal;
    current.memoryMb = signal.memoryMb ?? current.memoryMb;
    await host.capture.settle();
    const report = reportOf(outcome.at - startedAt);
    if (outcome.kind === 'response') {
      return ended(report, { status: 'success', exitCode: EXIT_CODES.success, payload: outcome.body, response: parseResponse(outcome.body, outcome.streamed) });
    }
    return ended(report, { status: 'error', exitCode: EXIT_CODES.functionError, payload: outcome.body, error: outcome.error });
  }
  if (signal.type === 'exit') return runtimeExited(host, current, requestId, performance.now() - startedAt, reportOf, ended);

  // The deadline passed: Lambda stops the environment; the next invocation starts a new one.
  current.memoryMb = peakMemoryMb(current.child.pid) ?? current.memoryMb;
  await host.stop();
  const error = timedOutError(requestId, timeout);
  return ended(
    reportOf(timeout * 1000, { status: 'timeout' }),
    { status: 'timeout', exitCode: EXIT_CODES.timeout, payload: JSON.stringify(error), error },
    true,
  );
}

/** The runtime process died during the invocation (process.exit, a crash, out of memory). */
async function runtimeExited(
  host: SingleHost,
  current: Environment,
  requestId: string,
  durationMs: number,
  reportOf: (durationMs: number, outcome?: Pick<Report, 'status' | 'errorType'>) => Report,
  ended: (report: Report, result: Omit<InvocationResult, 'logs' | 'functionLines' | 'requestId' | 'cold' | 'report'>) => InvocationResult,
): Promise<InvocationResult> {
  await current.closed;
  const error: LambdaErrorBody = { errorType: 'Runtime.ExitError', errorMessage: exitMessage(requestId, current.exit!.code, current.exit!.signal) };
  await host.stop();
  return ended(reportOf(durationMs, { status: 'error', errorType: error.errorType }), {
    status: 'error',
    exitCode: EXIT_CODES.functionError,
    payload: JSON.stringify(error),
    error,
  });
}
