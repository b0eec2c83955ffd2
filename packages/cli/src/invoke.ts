// Runs a handler the way Lambda does: a Runtime API on 127.0.0.1, the real aws-lambda-ric in a child Node process
// (the execution environment), one invocation at a time, the deadline enforced, CloudWatch-like platform lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { InvokeUsageError } from './errors.js';
import { resolveHandler, type HandlerLocation } from './handler.js';
import {
  endLine,
  initReportLine,
  peakMemoryMb,
  reportLine,
  startLine,
  timeoutLine,
  timeoutSeconds,
  type Report,
} from './report.js';
import { TelemetryFrames } from './telemetry.js';
import { bundleTypeScript, isTypeScriptHandler } from './typescript.js';
import { invokeConcurrently } from './concurrent.js';
import { RuntimeApi, type LambdaErrorBody, type RuntimeOutcome } from './runtime-api.js';

/** Exit status of the CLI, and of each invocation. */
export const EXIT_CODES = {
  /** The function returned a response. */
  success: 0,
  /** The function threw or rejected (the error Lambda returns), or its runtime exited during the invocation. */
  functionError: 1,
  /** The function ran past its timeout and was stopped (`Sandbox.Timedout`). */
  timeout: 2,
  /** Init failed (module not found, handler not a function, top-level throw), or the command was misused. */
  initError: 3,
  usageError: 3,
} as const;
export type ExitCode = 0 | 1 | 2 | 3;

export interface InvokeOptions {
  /** `path/to/module.mjs#export` (.js, .mjs or .cjs; export defaults to `handler`), relative to `cwd`. */
  handler: string;
  /** One event (default `{}`), or use `events`. */
  event?: unknown;
  /** Several events, invoked in order in one warm execution environment (only the first is a cold start). */
  events?: unknown[];
  /** Function timeout in seconds (Lambda: 1 to 900; fractions are allowed here, for tests). Default 3. */
  timeout?: number;
  /** Memory size in MB (Lambda: 128 to 10240). Default 128. Sets Node's heap limit as Lambda's bootstrap does. */
  memory?: number;
  /** Environment variables of the function (as in the function's configuration). */
  env?: Record<string, string>;
  /** Pass this process's environment to the function too (default false: a clean environment, as on Lambda). */
  inheritEnv?: boolean;
  /** LAMBDA_TASK_ROOT; default the handler module's directory. `_HANDLER` is made relative to it. */
  taskRoot?: string;
  /** Directory that `handler` and `taskRoot` are relative to. Default `process.cwd()`. */
  cwd?: string;
  /** Default `lambdaware-local`. */
  functionName?: string;
  /** AWS_REGION / AWS_DEFAULT_REGION. Default `us-east-1`. */
  region?: string;
  /** Sent as Lambda-Runtime-Client-Context (context.clientContext). */
  clientContext?: Record<string, unknown>;
  /** Sent as Lambda-Runtime-Cognito-Identity (context.identity). */
  identity?: Record<string, unknown>;
  /** Where the CloudWatch-like lines go as they come (the CLI passes process.stderr). Default: only captured. */
  output?: { write(text: string): unknown };
  /** The Node binary of the execution environment. Default `process.execPath`. */
  nodePath?: string;
  /** Limit of the init phase in seconds. Default 10, as Lambda's; with `concurrency`, 130 or the timeout if larger, as Managed Instances'. */
  initTimeout?: number;
  /**
   * Run the events the way Lambda Managed Instances do: aws-lambda-ric in multi-concurrent mode
   * (`AWS_LAMBDA_MAX_CONCURRENCY` = this number) in one execution environment, with up to this many invocations in
   * flight at once. Default: off (one invocation at a time, as in an on-demand execution environment).
   */
  concurrency?: number;
}

export type InvocationStatus = 'success' | 'error' | 'timeout' | 'init-error';

export interface InvocationResult {
  requestId: string;
  status: InvocationStatus;
  exitCode: ExitCode;
  /** True when this invocation started a new execution environment (its REPORT has Init Duration). */
  cold: boolean;
  /** What Lambda returns to the caller: the response as the function's runtime posted it, or the error JSON. */
  payload: string;
  /** The response, parsed (success only). */
  response?: unknown;
  /** `{errorType, errorMessage, trace}` as Lambda returns it (error, timeout, init error). */
  error?: LambdaErrorBody;
  report: Report;
  /** Every line of this invocation (init lines of its cold start, START, the function's lines, END, REPORT). */
  logs: string[];
  /** The function's own lines only (the runtime's stdout and stderr). */
  functionLines: string[];
}

export interface InvokeResult {
  /** One per event, in order. */
  invocations: InvocationResult[];
  /** The most severe exit code of all invocations (0 when all succeeded). */
  exitCode: ExitCode;
  /** Every line, in order, as the CLI prints it on stderr. */
  logs: string[];
  /** With `concurrency`: the limit, and the most invocations seen in flight at once. */
  concurrency?: { max: number; peakInFlight: number; environments: number };
  /** The last invocation's fields, for the common single-event case. */
  requestId: string;
  status: InvocationStatus;
  payload: string;
  response?: unknown;
  error?: LambdaErrorBody;
  report: Report;
}

/** Lambda's limit for a synchronous invocation's payload. */
const MAX_REQUEST_BYTES = 6 * 1024 * 1024;
export const RIC_ENTRY = createRequire(import.meta.url).resolve('aws-lambda-ric');

type Signal =
  | { type: 'next'; at: number }
  | { type: 'init-error'; error: LambdaErrorBody; at: number }
  | { type: 'outcome'; outcome: RuntimeOutcome; memoryMb: number | undefined }
  | { type: 'exit'; env: Environment; code: number | null; signal: NodeJS.Signals | null }
  | { type: 'timer' };

interface Environment {
  child: ChildProcess;
  spawnedAt: number;
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  closed: Promise<void>;
  memoryMb: number;
}

/** Lambda's Node bootstrap: GC exposed, a larger header limit, the heap sized from the memory setting. */
export function nodeArguments(memory: number, execArgv: string[]): string[] {
  return ['--expose-gc', '--max-http-header-size=81920', `--max-old-space-size=${Math.floor(memory * 0.9)}`, ...execArgv];
}

export function validate(
  options: InvokeOptions,
): Required<Pick<InvokeOptions, 'timeout' | 'memory' | 'initTimeout'>> & { events: unknown[]; concurrency?: number } {
  if (!options || typeof options !== 'object') throw new InvokeUsageError('invoke(options): options must be an object');
  const timeout = options.timeout ?? 3;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0 || timeout > 900) {
    throw new InvokeUsageError(`timeout: expected seconds, more than 0 and at most 900 (Lambda allows 1 to 900), got ${String(options.timeout)}`);
  }
  const memory = options.memory ?? 128;
  if (!Number.isInteger(memory) || memory < 128 || memory > 10240) {
    throw new InvokeUsageError(`memory: expected whole MB between 128 and 10240 (Lambda's range), got ${String(options.memory)}`);
  }
  // Managed Instances allow init the larger of 130 s and the function timeout; an on-demand environment 10 s
  const initTimeout = options.initTimeout ?? (options.concurrency !== undefined ? Math.max(130, timeout) : 10);
  if (typeof initTimeout !== 'number' || !(initTimeout > 0)) {
    throw new InvokeUsageError(`initTimeout: expected seconds > 0, got ${String(options.initTimeout)}`);
  }
  if (options.events !== undefined && options.event !== undefined) {
    throw new InvokeUsageError('event and events: give one of them, not both');
  }
  if (options.events !== undefined && (!Array.isArray(options.events) || options.events.length === 0)) {
    throw new InvokeUsageError('events: expected a non-empty array of events');
  }
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (typeof value !== 'string') throw new InvokeUsageError(`env.${key}: expected a string value, got ${typeof value}`);
  }
  const concurrency = options.concurrency;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000)) {
    throw new InvokeUsageError(`concurrency: expected a whole number of invocations in flight, 1 to 1000 (AWS_LAMBDA_MAX_CONCURRENCY), got ${String(concurrency)}`);
  }
  const events = options.events ?? [options.event ?? {}];
  events.forEach((event, index) => {
    let text: string | undefined;
    try {
      text = JSON.stringify(event);
      if (text === undefined) throw new Error(`${typeof event} is not JSON`);
    } catch (error) {
      throw new InvokeUsageError(`event ${index}: cannot be sent as JSON: ${(error as Error).message}`);
    }
    const bytes = Buffer.byteLength(text);
    if (bytes > MAX_REQUEST_BYTES) {
      throw new InvokeUsageError(`event ${index}: ${bytes} bytes is over Lambda's ${MAX_REQUEST_BYTES}-byte limit for a synchronous invocation (RequestEntityTooLargeException)`);
    }
  });
  return { timeout, memory, initTimeout, events, concurrency };
}

/** X-Ray trace header value as Lambda sends it. */
export function traceId(): string {
  return `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}

export function logStreamName(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

/** The environment of the execution environment's process, as Lambda sets it (plus the caller's `env`). */
export function functionEnvironment(
  options: Pick<InvokeOptions, 'inheritEnv' | 'env' | 'functionName' | 'region'>,
  location: HandlerLocation,
  address: string,
  memory: number,
): Record<string, string> {
  const functionName = options.functionName ?? 'lambdaware-local';
  const region = options.region ?? 'us-east-1';
  const nodeMajor = /^v?(\d+)/.exec(process.version)?.[1] ?? '22';
  const logGroup = `/aws/lambda/${functionName}`;
  const childEnv: Record<string, string> = {
    ...(options.inheritEnv ? (process.env as Record<string, string>) : {}),
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: location.taskRoot,
    LAMBDA_RUNTIME_DIR: dirname(RIC_ENTRY),
    _HANDLER: location.handler,
    AWS_LAMBDA_RUNTIME_API: address,
    AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${nodeMajor}.x`,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memory),
    AWS_LAMBDA_LOG_GROUP_NAME: logGroup,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
  };
  // Lambda gives the function its role's credentials; locally, the caller's (if any) stand in for them.
  for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
    const value = process.env[key];
    if (value !== undefined && childEnv[key] === undefined) childEnv[key] = value;
  }
  Object.assign(childEnv, options.env);
  return childEnv;
}

/**
 * Invokes a handler through the real AWS Lambda runtime interface client, as Lambda would, and returns what
 * Lambda would return and log. Throws `InvokeUsageError` for bad options; everything the function does (throw,
 * time out, fail to load) is in the result.
 */
export async function invoke(options: InvokeOptions): Promise<InvokeResult> {
  const validated = validate(options);
  if (typeof options.handler === 'string' && isTypeScriptHandler(options.handler)) {
    if (options.taskRoot !== undefined) {
      throw new InvokeUsageError(
        `taskRoot: a TypeScript handler ("${options.handler}") is bundled into one file whose directory is the task root, as in a bundled deployment; leave taskRoot out, or build first and pass the JavaScript file`,
      );
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

/** Validated options (see `validate`). */
export type Validated = ReturnType<typeof validate>;

async function run(options: InvokeOptions, validated: Validated, execArgv: string[]): Promise<InvokeResult> {
  const location = resolveHandler(options.handler, { taskRoot: options.taskRoot, cwd: options.cwd });
  if (validated.concurrency !== undefined) return invokeConcurrently(options, validated, location, execArgv);
  const { timeout, memory, initTimeout, events } = validated;
  const functionName = options.functionName ?? 'lambdaware-local';
  const region = options.region ?? 'us-east-1';
  const nodePath = options.nodePath ?? process.execPath;

  const api = new RuntimeApi();
  const address = await api.listen();

  // ---- signals from the Runtime API, the child and timers, taken in order by the invocation loop ----
  const queue: Signal[] = [];
  let wake: (() => void) | undefined;
  const push = (signal: Signal) => {
    queue.push(signal);
    wake?.();
  };
  let env: Environment | undefined;
  api.listeners = {
    onNext: (at) => {
      if (env) env.memoryMb = peakMemoryMb(env.child.pid) ?? env.memoryMb;
      push({ type: 'next', at });
    },
    onInitError: (error, at) => push({ type: 'init-error', error, at }),
    // Max Memory Used is read the moment the response arrives, as the platform does.
    onOutcome: (outcome) => push({ type: 'outcome', outcome, memoryMb: env ? peakMemoryMb(env.child.pid) : undefined }),
  };
  async function take(types: Signal['type'][], ms: number): Promise<Signal> {
    const timer = setTimeout(() => push({ type: 'timer' }), ms);
    try {
      for (;;) {
        while (queue.length > 0) {
          const signal = queue.shift()!;
          if (signal.type === 'exit' && signal.env !== env) continue; // an environment already replaced
          if (signal.type === 'timer' || types.includes(signal.type)) return signal;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      clearTimeout(timer);
      const stale = queue.findIndex((s) => s.type === 'timer');
      if (stale !== -1) queue.splice(stale, 1);
    }
  }

  // ---- log lines: every line goes to the output as it comes and into the current invocation's capture ----
  const allLines: string[] = [];
  let lines: string[] = [];
  let fnLines: string[] = [];
  let bytesSeen = 0;
  const emit = (line: string, fromFunction = false) => {
    allLines.push(line);
    options.output?.write(line + '\n');
    // A line that comes after its invocation's END (a large write still in the pipe when the response came)
    // belongs to the invocation it names, not to the next one.
    const late = fromFunction ? lateOwner(line) : undefined;
    if (late) {
      late.logs.push(line);
      late.functionLines.push(line);
      return;
    }
    lines.push(line);
    if (fromFunction) fnLines.push(line);
  };
  const finished = new Map<string, InvocationResult>();
  let currentRequestId: string | undefined;
  const lateOwner = (line: string): InvocationResult | undefined => {
    if (finished.size === 0) return undefined;
    const ids: string[] = line.slice(0, 4096).match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? [];
    if (currentRequestId !== undefined && ids.includes(currentRequestId)) return undefined;
    for (const id of ids) {
      const owner = finished.get(id);
      if (owner) return owner;
    }
    return undefined;
  };
  /** Lets the pipes deliver what the function wrote before its response arrived (lines before END). */
  async function settle(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      const before = bytesSeen;
      await new Promise((resolve) => setImmediate(resolve));
      if (bytesSeen === before && i >= 1) break;
    }
    // A line larger than the pipe's buffer (64 KB) is still coming in pieces when the response arrives: wait for
    // its end (at most 2 s), so that it is printed before END and counted in this invocation's lines.
    for (const until = performance.now() + 2000; partials.size > 0 && performance.now() < until; ) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
  /** The streams holding the start of a line whose end has not come yet. */
  const partials = new Set<Readable>();

  const childEnv = functionEnvironment(options, location, address, memory);

  function startEnvironment(): Environment {
    api.reset();
    queue.length = 0; // whatever the previous environment signalled is moot now
    const child = spawn(
      nodePath,
      // Lambda's Node bootstrap: GC exposed, a larger header limit, the heap sized from the memory setting.
      [...nodeArguments(memory, execArgv), RIC_ENTRY],
      {
        cwd: location.taskRoot,
        // fd 3 is the telemetry log fd Lambda gives the runtime: console.* lines arrive there as frames, written
        // synchronously, so each one is here before the response it precedes.
        env: { ...childEnv, AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(), _LAMBDA_TELEMETRY_LOG_FD: '3' },
        stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      },
    );
    const environment: Environment = { child, spawnedAt: performance.now(), closed: Promise.resolve(), memoryMb: 0 };
    const streams = [child.stdout!, child.stderr!].map(
      (stream) =>
        new Promise<void>((resolve) => {
          let partial = '';
          stream.setEncoding('utf8');
          stream.on('data', (chunk: string) => {
            bytesSeen += chunk.length;
            const parts = (partial + chunk).split('\n');
            partial = parts.pop()!;
            if (partial) partials.add(stream);
            else partials.delete(stream);
            for (const part of parts) emit(part.replace(/\r$/, ''), true);
          });
          stream.on('close', () => {
            if (partial) emit(partial, true);
            partials.delete(stream);
            resolve();
          });
        }),
    );
    const telemetry = child.stdio[3] as Readable;
    streams.push(
      new Promise<void>((resolve) => {
        const frames = new TelemetryFrames((message) => emit(message, true));
        telemetry.on('data', (chunk: Buffer) => {
          bytesSeen += chunk.length;
          frames.push(chunk);
        });
        telemetry.on('close', () => resolve());
      }),
    );
    environment.closed = Promise.all(streams).then(() => undefined);
    // VmHWM is a high-water mark: sampling it keeps a value for an environment that dies before it is read
    const sampler = setInterval(() => {
      environment.memoryMb = peakMemoryMb(child.pid) ?? environment.memoryMb;
    }, 100);
    sampler.unref();
    child.on('exit', () => clearInterval(sampler));
    child.on('error', (error) => {
      // spawn failed (bad nodePath): reported as the runtime exiting
      environment.exit = { code: null, signal: null };
      emit(`lambdaware: cannot start ${nodePath}: ${error.message}`);
      push({ type: 'exit', env: environment, code: null, signal: null });
    });
    child.on('exit', (code, signal) => {
      environment.exit = { code, signal };
      push({ type: 'exit', env: environment, code, signal });
    });
    return environment;
  }

  async function stopEnvironment(): Promise<void> {
    if (!env) return;
    const stopping = env;
    env = undefined;
    if (!stopping.exit) stopping.child.kill('SIGKILL');
    await stopping.closed;
    api.reset();
  }

  const exitMessage = (requestId: string, exit: { code: number | null; signal: NodeJS.Signals | null }) =>
    `RequestId: ${requestId} Error: Runtime exited ${
      exit.signal ? `with error: signal: ${exit.signal === 'SIGKILL' ? 'killed' : exit.signal}` : exit.code ? `with error: exit status ${exit.code}` : 'without providing a reason'
    }`;

  const results: InvocationResult[] = [];
  const finish = (result: Omit<InvocationResult, 'logs' | 'functionLines'>) => {
    const done: InvocationResult = { ...result, logs: lines, functionLines: fnLines };
    results.push(done);
    finished.set(done.requestId, done);
    currentRequestId = undefined;
    lines = [];
    fnLines = [];
  };

  try {
    for (const event of events) {
      const requestId = randomUUID();
      currentRequestId = requestId;
      let cold = false;
      let initDurationMs: number | undefined;
      if (env?.exit) await stopEnvironment();
      if (!env) {
        cold = true;
        env = startEnvironment();
        const signal = await take(['next', 'init-error', 'exit'], initTimeout * 1000);
        if (signal.type === 'next') {
          initDurationMs = signal.at - env.spawnedAt;
        } else {
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
            error = { errorType: 'Runtime.ExitError', errorMessage: exitMessage(requestId, env.exit!) };
          } else {
            status = 'timeout';
            error = { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds(initTimeout)} seconds` };
          }
          await stopEnvironment();
          const report: Report = {
            durationMs,
            billedDurationMs: Math.ceil(durationMs),
            memorySizeMb: memory,
            maxMemoryUsedMb: memoryMb,
            status,
            errorType: status === 'timeout' ? undefined : error.errorType,
          };
          emit(initReportLine(durationMs, status, status === 'timeout' ? undefined : error.errorType));
          emit(startLine(requestId));
          emit(endLine(requestId));
          emit(reportLine(requestId, report));
          finish({ requestId, status: 'init-error', exitCode: EXIT_CODES.initError, cold, payload: JSON.stringify(error), error, report });
          continue;
        }
      }

      const current = env;
      emit(startLine(requestId));
      const headers: Record<string, string> = {
        'Lambda-Runtime-Aws-Request-Id': requestId,
        'Lambda-Runtime-Deadline-Ms': String(Date.now() + Math.round(timeout * 1000)),
        'Lambda-Runtime-Invoked-Function-Arn': `arn:aws:lambda:${region}:123456789012:function:${functionName}`,
        'Lambda-Runtime-Trace-Id': traceId(),
      };
      if (options.clientContext) headers['Lambda-Runtime-Client-Context'] = JSON.stringify(options.clientContext);
      if (options.identity) headers['Lambda-Runtime-Cognito-Identity'] = JSON.stringify(options.identity);
      const startedAt = performance.now();
      api.dispatch({ requestId, body: JSON.stringify(event), headers });
      const signal = await take(['outcome', 'exit'], timeout * 1000);
      const initBill = initDurationMs === undefined ? 0 : initDurationMs;
      /** The REPORT of this invocation: billed = duration + init (Lambda bills the init phase), memory read now. */
      const reportOf = (durationMs: number, outcome: Pick<Report, 'status' | 'errorType'> = {}): Report => ({
        durationMs,
        billedDurationMs: Math.ceil(durationMs + initBill),
        memorySizeMb: memory,
        maxMemoryUsedMb: current.memoryMb,
        initDurationMs,
        ...outcome,
      });

      if (signal.type === 'outcome') {
        const { outcome } = signal;
        const durationMs = outcome.at - startedAt;
        current.memoryMb = signal.memoryMb ?? current.memoryMb;
        await settle();
        const report = reportOf(durationMs);
        emit(endLine(requestId));
        emit(reportLine(requestId, report));
        if (outcome.kind === 'response') {
          let response: unknown = outcome.body;
          if (!outcome.streamed) {
            try {
              response = JSON.parse(outcome.body);
            } catch {
              // a runtime posting a non-JSON body: kept as text
            }
          }
          finish({ requestId, status: 'success', exitCode: EXIT_CODES.success, cold, payload: outcome.body, response, report });
        } else {
          finish({ requestId, status: 'error', exitCode: EXIT_CODES.functionError, cold, payload: outcome.body, error: outcome.error, report });
        }
        continue;
      }

      if (signal.type === 'exit') {
        // The runtime process died during the invocation (process.exit, a crash, out of memory).
        const durationMs = performance.now() - startedAt;
        await current.closed;
        const error: LambdaErrorBody = { errorType: 'Runtime.ExitError', errorMessage: exitMessage(requestId, current.exit!) };
        await stopEnvironment();
        const report = reportOf(durationMs, { status: 'error', errorType: error.errorType });
        emit(endLine(requestId));
        emit(reportLine(requestId, report));
        finish({ requestId, status: 'error', exitCode: EXIT_CODES.functionError, cold, payload: JSON.stringify(error), error, report });
        continue;
      }

      // The deadline passed: Lambda stops the environment; the next invocation starts a new one.
      current.memoryMb = peakMemoryMb(current.child.pid) ?? current.memoryMb;
      await stopEnvironment();
      const durationMs = timeout * 1000;
      const report = reportOf(durationMs, { status: 'timeout' });
      const error: LambdaErrorBody = {
        errorType: 'Sandbox.Timedout',
        errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds(timeout)} seconds`,
      };
      emit(endLine(requestId));
      emit(reportLine(requestId, report));
      emit(timeoutLine(requestId, timeout));
      finish({ requestId, status: 'timeout', exitCode: EXIT_CODES.timeout, cold, payload: JSON.stringify(error), error, report });
    }
  } finally {
    // the last lines the function wrote may still be coming (a large line can be written after the response was
    // posted): wait for 50 ms of quiet (at most 2 s) before the environment stops
    for (let quiet = 0, until = performance.now() + 2000; env && !env.exit && quiet < 10 && performance.now() < until; ) {
      const before = bytesSeen;
      await new Promise((resolve) => setTimeout(resolve, 5));
      quiet = bytesSeen === before && partials.size === 0 ? quiet + 1 : 0;
    }
    await stopEnvironment();
    await api.close();
  }

  const last = results.at(-1)!;
  return {
    invocations: results,
    exitCode: Math.max(...results.map((r) => r.exitCode)) as ExitCode,
    logs: allLines,
    requestId: last.requestId,
    status: last.status,
    payload: last.payload,
    response: last.response,
    error: last.error,
    report: last.report,
  };
}
