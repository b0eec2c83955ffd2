// Lambda Managed Instances locally: one execution environment running several invocations at once. The real
// aws-lambda-ric runs in its multi-concurrent mode (AWS_LAMBDA_MAX_CONCURRENCY set): its main thread starts worker
// threads (AWS_LAMBDA_NODEJS_WORKER_COUNT, default 8 per vCPU), each loading the handler and holding a GET /next;
// each worker hands every invocation it receives to the handler and asks for the next one at once, and the
// request id of each is kept in an AsyncLocalStorage (awslambda.InvokeStore). The platform, here this module,
// dispatches up to AWS_LAMBDA_MAX_CONCURRENCY invocations in flight. The runtime's console lines are JSON lines
// written to the socket named by _LAMBDA_TELEMETRY_LOG_FD_PROVIDER_SOCKET (one connection per worker).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { HandlerLocation } from './handler.js';
import { functionEnvironment, logStreamName } from './environment.js';
import { EXIT_CODES, type InvocationResult, type InvokeOptions, type InvokeResult, type Validated } from './options.js';
import {
  type Report,
  endLine,
  exitMessage,
  initReportLine,
  parseResponse,
  peakMemoryMb,
  reportLine,
  startLine,
  summarize,
  timedOutError,
  timeoutLine,
} from './report.js';
import { RIC_ENTRY, multiModeVariables, nodeArguments } from './ric-adapter.js';
import { RuntimeApi, type LambdaErrorBody, type RuntimeOutcome, invocationHeaders } from './runtime-api.js';

const REQUEST_ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

interface InFlight {
  index: number;
  requestId: string;
  startedAt: number;
  cold: boolean;
  initDurationMs?: number;
  timer: NodeJS.Timeout;
  env: Environment;
}

interface Environment {
  child: ChildProcess;
  spawnedAt: number;
  ready: boolean;
  exited: boolean;
  memoryMb: number;
  closed: Promise<void>;
  logSocket: Server;
  socketPath: string;
}

/** The streams holding the start of a line whose end has not come yet (a line larger than a pipe's buffer). */
const partials = new Set<Readable | Socket>();

/** Splits a stream into lines and hands each one over. */
function lineReader(stream: Readable | Socket, onLine: (line: string) => void, onBytes: (n: number) => void): Promise<void> {
  return new Promise((resolve) => {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      onBytes(chunk.length);
      const parts = (partial + chunk).split('\n');
      partial = parts.pop()!;
      if (partial) partials.add(stream);
      else partials.delete(stream);
      for (const part of parts) onLine(part.replace(/\r$/, ''));
    });
    stream.on('error', () => undefined);
    stream.on('close', () => {
      if (partial) onLine(partial);
      partials.delete(stream);
      resolve();
    });
  });
}

export async function invokeConcurrently(
  options: InvokeOptions,
  validated: Validated,
  location: HandlerLocation,
  execArgv: string[],
): Promise<InvokeResult> {
  const { timeout, memory, initTimeout, events } = validated;
  const max = validated.concurrency!;
  const nodePath = options.nodePath ?? process.execPath;

  const api = new RuntimeApi({ multi: true });
  const address = await api.listen();
  const childEnv = functionEnvironment(options, location, address, memory);

  const results: (InvocationResult | undefined)[] = events.map(() => undefined);
  const perInvocation = new Map<string, { logs: string[]; functionLines: string[] }>();
  const allLines: string[] = [];
  let bytesSeen = 0;
  const inFlight = new Map<string, InFlight>();
  let peakInFlight = 0;
  let environments = 0;

  const emit = (line: string, requestId?: string, fromFunction = false) => {
    allLines.push(line);
    if (requestId) {
      const capture = perInvocation.get(requestId);
      capture?.logs.push(line);
      if (fromFunction) capture?.functionLines.push(line);
    }
    options.output?.write(line + '\n');
  };
  /** A function line belongs to the invocation whose request id it names (lines of several are interleaved). */
  const emitFunctionLine = (line: string) => {
    const id = line.match(REQUEST_ID)?.find((candidate) => perInvocation.has(candidate));
    emit(line, id, true);
  };
  async function settle(): Promise<void> {
    // A worker thread's stdout goes through the runtime's main thread, so its last lines may come just after its
    // response: wait until nothing has come for 5 ms (at most 50 ms), so they are printed before END.
    for (let i = 0; i < 10; i++) {
      const before = bytesSeen;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (bytesSeen === before) break;
    }
    for (const until = performance.now() + 2000; partials.size > 0 && performance.now() < until; ) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  let env: Environment | undefined;
  let next = 0; // index of the next event to dispatch
  let done = 0;
  let finishAll!: () => void;
  const allDone = new Promise<void>((resolve) => (finishAll = resolve));

  const finish = (index: number, result: Omit<InvocationResult, 'logs' | 'functionLines'>) => {
    const capture = perInvocation.get(result.requestId) ?? { logs: [], functionLines: [] };
    results[index] = { ...result, logs: capture.logs, functionLines: capture.functionLines };
    done++;
    if (done === events.length) finishAll();
    else pump();
  };

  const reportOf = (flight: InFlight, durationMs: number, memoryMb: number, outcome: Pick<Report, 'status' | 'errorType'> = {}): Report => ({
    durationMs,
    billedDurationMs: Math.ceil(durationMs + (flight.initDurationMs ?? 0)),
    memorySizeMb: memory,
    maxMemoryUsedMb: memoryMb,
    initDurationMs: flight.initDurationMs,
    ...outcome,
  });

  async function startEnvironment(): Promise<Environment> {
    api.reset();
    environments++;
    const socketPath = join(tmpdir(), `lambdaware-logs-${process.pid}-${randomBytes(6).toString('hex')}.sock`);
    const readers: Promise<void>[] = [];
    const logSocket = createServer((socket) => {
      readers.push(lineReader(socket, emitFunctionLine, (n) => (bytesSeen += n)));
    });
    await new Promise<void>((resolve, reject) => {
      logSocket.once('error', reject);
      logSocket.listen(socketPath, () => resolve());
    });
    const child = spawn(nodePath, [...nodeArguments(memory, execArgv), RIC_ENTRY], {
      cwd: location.taskRoot,
      env: {
        ...childEnv,
        AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(),
        ...multiModeVariables(max, socketPath),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const environment: Environment = {
      child,
      spawnedAt: performance.now(),
      ready: false,
      exited: false,
      memoryMb: 0,
      closed: Promise.resolve(),
      logSocket,
      socketPath,
    };
    const streams = [child.stdout!, child.stderr!].map((stream) => lineReader(stream, emitFunctionLine, (n) => (bytesSeen += n)));
    environment.closed = Promise.all(streams).then(() => Promise.all(readers)).then(() => undefined);
    const sampler = setInterval(() => {
      environment.memoryMb = peakMemoryMb(child.pid) ?? environment.memoryMb;
    }, 100);
    sampler.unref();
    child.on('error', (error) => {
      emit(`lambdaware: cannot start ${nodePath}: ${error.message}`);
      onExit(environment, null, null);
    });
    child.on('exit', (code, signal) => {
      clearInterval(sampler);
      onExit(environment, code, signal);
    });
    return environment;
  }

  async function stopEnvironment(environment: Environment | undefined): Promise<void> {
    if (!environment) return;
    if (environment.child.exitCode === null && environment.child.signalCode === null) environment.child.kill('SIGKILL');
    // the log sockets' connections end with the process
    await Promise.race([environment.closed, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    await new Promise<void>((resolve) => environment.logSocket.close(() => resolve()));
    rmSync(environment.socketPath, { force: true });
  }

  let initTimer: NodeJS.Timeout | undefined;
  let initFailed = false;

  function onExit(environment: Environment, code: number | null, signal: NodeJS.Signals | null): void {
    if (environment.exited) return;
    environment.exited = true;
    if (environment !== env) return; // already replaced
    env = undefined;
    void (async () => {
      await Promise.race([environment.closed, new Promise((resolve) => setTimeout(resolve, 500).unref())]);
      if (!environment.ready && !initFailed) {
        // died during init: the next event fails with Runtime.ExitError, as in single mode
        clearTimeout(initTimer);
        initFail(environment, { errorType: 'Runtime.ExitError', errorMessage: '' }, performance.now(), 'exit', code, signal);
      }
      initFailed = false;
      for (const flight of [...inFlight.values()].filter((f) => f.env === environment)) {
        clearTimeout(flight.timer);
        inFlight.delete(flight.requestId);
        const error: LambdaErrorBody = { errorType: 'Runtime.ExitError', errorMessage: exitMessage(flight.requestId, code, signal) };
        const report = reportOf(flight, performance.now() - flight.startedAt, environment.memoryMb, { status: 'error', errorType: error.errorType });
        emit(endLine(flight.requestId), flight.requestId);
        emit(reportLine(flight.requestId, report), flight.requestId);
        finish(flight.index, { requestId: flight.requestId, status: 'error', exitCode: EXIT_CODES.functionError, cold: flight.cold, payload: JSON.stringify(error), error, report });
      }
      await stopEnvironment(environment);
      pump();
    })();
  }

  function initFail(
    environment: Environment,
    initError: LambdaErrorBody,
    at: number,
    kind: 'init-error' | 'exit' | 'timeout',
    code: number | null = null,
    signal: NodeJS.Signals | null = null,
  ): void {
    initFailed = true;
    const index = next++;
    const requestId = randomUUID();
    perInvocation.set(requestId, { logs: [], functionLines: [] });
    const durationMs = at - environment.spawnedAt;
    const status: 'error' | 'timeout' = kind === 'timeout' ? 'timeout' : 'error';
    const error: LambdaErrorBody =
      kind === 'init-error'
        ? initError
        : kind === 'exit'
          ? { errorType: 'Runtime.ExitError', errorMessage: exitMessage(requestId, code, signal) }
          : timedOutError(requestId, initTimeout);
    const report: Report = {
      durationMs,
      billedDurationMs: Math.ceil(durationMs),
      memorySizeMb: memory,
      maxMemoryUsedMb: peakMemoryMb(environment.child.pid) ?? environment.memoryMb,
      status,
      errorType: status === 'timeout' ? undefined : error.errorType,
    };
    emit(initReportLine(durationMs, status, status === 'timeout' ? undefined : error.errorType), requestId);
    emit(startLine(requestId), requestId);
    emit(endLine(requestId), requestId);
    emit(reportLine(requestId, report), requestId);
    finish(index, { requestId, status: 'init-error', exitCode: EXIT_CODES.initError, cold: true, payload: JSON.stringify(error), error, report });
  }

  let starting = false;
  /** Dispatches events while fewer than `max` are in flight; starts an environment when there is none. */
  function pump(): void {
    if (next >= events.length || starting) return;
    if (!env) {
      starting = true;
      void startEnvironment().then((environment) => {
        starting = false;
        env = environment;
        initTimer = setTimeout(() => {
          if (environment.ready || environment.exited) return;
          const at = performance.now();
          env = undefined;
          environment.exited = true;
          initFail(environment, { errorType: 'Sandbox.Timedout', errorMessage: '' }, at, 'timeout');
          void stopEnvironment(environment).then(() => {
            initFailed = false;
            pump();
          });
        }, initTimeout * 1000);
      });
      return;
    }
    if (!env.ready) return;
    while (next < events.length && inFlight.size < max) {
      const index = next++;
      const requestId = randomUUID();
      perInvocation.set(requestId, { logs: [], functionLines: [] });
      const environment = env;
      const flight: InFlight = {
        index,
        requestId,
        startedAt: performance.now(),
        cold: coldPending.has(environment),
        initDurationMs: coldPending.get(environment),
        env: environment,
        timer: setTimeout(() => onTimeout(requestId), timeout * 1000),
      };
      coldPending.delete(environment);
      inFlight.set(requestId, flight);
      peakInFlight = Math.max(peakInFlight, inFlight.size);
      emit(startLine(requestId), requestId);
      api.dispatch({
        requestId,
        body: JSON.stringify(events[index]),
        headers: invocationHeaders(requestId, timeout, options),
      });
    }
  }
  /** The init duration of an environment, until its first invocation (the cold start) takes it. */
  const coldPending = new Map<Environment, number>();

  function onTimeout(requestId: string): void {
    const flight = inFlight.get(requestId);
    if (!flight) return;
    // On Managed Instances the other invocations in flight go on: this one is answered as timed out, its late
    // outcome refused; the environment is not stopped.
    inFlight.delete(requestId);
    api.abandon(requestId);
    const report = reportOf(flight, timeout * 1000, peakMemoryMb(flight.env.child.pid) ?? flight.env.memoryMb, { status: 'timeout' });
    const error: LambdaErrorBody = timedOutError(requestId, timeout);
    emit(endLine(requestId), requestId);
    emit(reportLine(requestId, report), requestId);
    emit(timeoutLine(requestId, timeout), requestId);
    finish(flight.index, { requestId, status: 'timeout', exitCode: EXIT_CODES.timeout, cold: flight.cold, payload: JSON.stringify(error), error, report });
  }

  async function onOutcome(outcome: RuntimeOutcome, memoryMb: number | undefined): Promise<void> {
    const flight = inFlight.get(outcome.requestId);
    if (!flight) return;
    clearTimeout(flight.timer);
    inFlight.delete(outcome.requestId);
    const durationMs = outcome.at - flight.startedAt;
    await settle();
    const report = reportOf(flight, durationMs, memoryMb ?? flight.env.memoryMb);
    emit(endLine(flight.requestId), flight.requestId);
    emit(reportLine(flight.requestId, report), flight.requestId);
    const base = { requestId: flight.requestId, cold: flight.cold, payload: outcome.body, report };
    if (outcome.kind === 'response') {
      finish(flight.index, { ...base, status: 'success', exitCode: EXIT_CODES.success, response: parseResponse(outcome.body, outcome.streamed) });
    } else {
      finish(flight.index, { ...base, status: 'error', exitCode: EXIT_CODES.functionError, error: outcome.error });
    }
  }

  api.listeners = {
    onNext: (at) => {
      const environment = env;
      if (!environment || environment.ready) return;
      // the first /next of an environment ends its init (the other workers' come as they finish theirs)
      environment.ready = true;
      clearTimeout(initTimer);
      coldPending.set(environment, at - environment.spawnedAt);
      pump();
    },
    onInitError: (error, at) => {
      const environment = env;
      if (!environment || environment.ready || initFailed) return;
      clearTimeout(initTimer);
      env = undefined;
      environment.exited = true;
      initFail(environment, error, at, 'init-error');
      void stopEnvironment(environment).then(() => {
        initFailed = false;
        pump();
      });
    },
    onOutcome: (outcome) => void onOutcome(outcome, env ? peakMemoryMb(env.child.pid) : undefined),
  };

  try {
    pump();
    await allDone;
  } finally {
    clearTimeout(initTimer);
    const last = env;
    env = undefined;
    await stopEnvironment(last);
    await api.close();
  }

  return summarize(results as InvocationResult[], allLines, { max, peakInFlight, environments });
}
