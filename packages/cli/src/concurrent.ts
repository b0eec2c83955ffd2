// Lambda Managed Instances locally: one execution environment running several invocations at once. The real
// aws-lambda-ric runs in its multi-concurrent mode (AWS_LAMBDA_MAX_CONCURRENCY set): its main thread starts worker
// threads (AWS_LAMBDA_NODEJS_WORKER_COUNT, default 8 per vCPU), each loading the handler and holding a GET /next;
// each worker hands every invocation it receives to the handler and asks for the next one at once, and the
// request id of each is kept in an AsyncLocalStorage (awslambda.InvokeStore). The platform, here this module,
// dispatches up to AWS_LAMBDA_MAX_CONCURRENCY invocations in flight. The runtime's console lines are JSON lines
// written to the socket named by _LAMBDA_TELEMETRY_LOG_FD_PROVIDER_SOCKET (one connection per worker).
//
// Over 300 lines on purpose: one class, ConcurrentRun, whose methods (each short) share the run's state (the
// environment, the invocations in flight, the captures); the variables and the socket protocol are ric-adapter.ts's.
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
  memoryWarning,
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

/** One run of the events in multi-concurrent mode: its Runtime API, its environment, its invocations in flight. */
class ConcurrentRun {
  private readonly api = new RuntimeApi({ multi: true });
  private readonly max: number;
  private readonly nodePath: string;
  private childEnv: Record<string, string> = {};
  private readonly results: (InvocationResult | undefined)[];
  private readonly perInvocation = new Map<string, { logs: string[]; functionLines: string[] }>();
  private readonly allLines: string[] = [];
  private bytesSeen = 0;
  private readonly inFlight = new Map<string, InFlight>();
  private peakInFlight = 0;
  private environments = 0;
  private env: Environment | undefined;
  /** Index of the next event to dispatch. */
  private next = 0;
  private done = 0;
  private finishAll!: () => void;
  private readonly allDone = new Promise<void>((resolve) => (this.finishAll = resolve));
  private initTimer: NodeJS.Timeout | undefined;
  private initFailed = false;
  private starting = false;
  /** The init duration of an environment, until its first invocation (the cold start) takes it. */
  private readonly coldPending = new Map<Environment, number>();

  constructor(
    private readonly options: InvokeOptions,
    private readonly validated: Validated,
    private readonly location: HandlerLocation,
    private readonly execArgv: string[],
  ) {
    this.max = validated.concurrency!;
    this.nodePath = options.nodePath ?? process.execPath;
    this.results = validated.events.map(() => undefined);
    this.api.listeners = {
      onNext: (at) => this.onNext(at),
      onInitError: (error, at) => this.onInitError(error, at),
      onOutcome: (outcome) => void this.onOutcome(outcome, this.env ? peakMemoryMb(this.env.child.pid) : undefined),
    };
  }

  async run(): Promise<InvokeResult> {
    const address = await this.api.listen();
    this.childEnv = functionEnvironment(this.options, this.location, address, this.validated.memory);
    try {
      this.pump();
      await this.allDone;
      await this.drain();
    } finally {
      clearTimeout(this.initTimer);
      const last = this.env;
      this.env = undefined;
      await this.stopEnvironment(last);
      await this.api.close();
    }
    const { max, peakInFlight, environments } = this;
    return summarize(this.results as InvocationResult[], this.allLines, { max, peakInFlight, environments });
  }

  private emit(line: string, requestId?: string, fromFunction = false): void {
    this.allLines.push(line);
    if (requestId) {
      const capture = this.perInvocation.get(requestId);
      capture?.logs.push(line);
      if (fromFunction) capture?.functionLines.push(line);
    }
    this.options.output?.write(line + '\n');
  }

  /** A function line belongs to the invocation whose request id it names (lines of several are interleaved). */
  private readonly emitFunctionLine = (line: string): void => {
    const id = line.match(REQUEST_ID)?.find((candidate) => this.perInvocation.has(candidate));
    this.emit(line, id, true);
  };

  private readonly countBytes = (n: number): void => {
    this.bytesSeen += n;
  };

  private async settle(): Promise<void> {
    // A worker thread's stdout goes through the runtime's main thread, so its last lines may come just after its
    // response: wait until nothing has come for 5 ms (at most 50 ms), so they are printed before END.
    for (let i = 0; i < 10; i++) {
      const before = this.bytesSeen;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (this.bytesSeen === before) break;
    }
    for (const until = performance.now() + 2000; partials.size > 0 && performance.now() < until; ) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /**
   * After the last outcome, before the environment is stopped: the last lines of the last invocations may still be on
   * their way (a worker thread's lines go through the runtime's main thread, which under load posts an error before
   * it has forwarded the line written just before it): wait for 50 ms of quiet (at most 2 s), as single mode does.
   * Found when 5 of 200 failures' error lines were missing under load on Node 24.
   */
  private async drain(): Promise<void> {
    for (let quiet = 0, until = performance.now() + 2000; this.env && !this.env.exited && quiet < 10 && performance.now() < until; ) {
      const before = this.bytesSeen;
      await new Promise((resolve) => setTimeout(resolve, 5));
      quiet = this.bytesSeen === before && partials.size === 0 ? quiet + 1 : 0;
    }
  }

  private finish(index: number, result: Omit<InvocationResult, 'logs' | 'functionLines'>): void {
    const capture = this.perInvocation.get(result.requestId) ?? { logs: [], functionLines: [] };
    this.results[index] = { ...result, logs: capture.logs, functionLines: capture.functionLines };
    this.done++;
    if (this.done === this.validated.events.length) this.finishAll();
    else this.pump();
  }

  /** END and REPORT of an invocation in flight, then its result. */
  private end(flight: InFlight, report: Report, result: Omit<InvocationResult, 'logs' | 'functionLines' | 'requestId' | 'cold' | 'report'>): void {
    this.emit(endLine(flight.requestId), flight.requestId);
    this.emit(reportLine(flight.requestId, report), flight.requestId);
    if (result.status === 'timeout') this.emit(timeoutLine(flight.requestId, this.validated.timeout), flight.requestId);
    const warning = memoryWarning(flight.requestId, report);
    if (warning !== undefined) this.options.output?.write(warning + '\n');
    this.finish(flight.index, { requestId: flight.requestId, cold: flight.cold, report, ...result, ...(warning === undefined ? {} : { warnings: [warning] }) });
  }

  private reportOf(flight: InFlight, durationMs: number, memoryMb: number, outcome: Pick<Report, 'status' | 'errorType'> = {}): Report {
    return {
      durationMs,
      billedDurationMs: Math.ceil(durationMs + (flight.initDurationMs ?? 0)),
      memorySizeMb: this.validated.memory,
      maxMemoryUsedMb: memoryMb,
      initDurationMs: flight.initDurationMs,
      ...outcome,
    };
  }

  private async startEnvironment(): Promise<Environment> {
    this.api.reset();
    this.environments++;
    const socketPath = join(tmpdir(), `lambdaware-logs-${process.pid}-${randomBytes(6).toString('hex')}.sock`);
    const readers: Promise<void>[] = [];
    const logSocket = createServer((socket) => {
      readers.push(lineReader(socket, this.emitFunctionLine, this.countBytes));
    });
    await new Promise<void>((resolve, reject) => {
      logSocket.once('error', reject);
      logSocket.listen(socketPath, () => resolve());
    });
    const child = spawn(this.nodePath, [...nodeArguments(this.validated.memory, this.execArgv), RIC_ENTRY], {
      cwd: this.location.taskRoot,
      env: {
        ...this.childEnv,
        AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(),
        ...multiModeVariables(this.max, socketPath),
        ...this.options.env,
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
    const streams = [child.stdout!, child.stderr!].map((stream) => lineReader(stream, this.emitFunctionLine, this.countBytes));
    environment.closed = Promise.all(streams)
      .then(() => Promise.all(readers))
      .then(() => undefined);
    const sampler = setInterval(() => {
      environment.memoryMb = peakMemoryMb(child.pid) ?? environment.memoryMb;
    }, 100);
    sampler.unref();
    child.on('error', (error) => {
      this.emit(`lambdaware: cannot start ${this.nodePath}: ${error.message}`);
      this.onExit(environment, null, null);
    });
    child.on('exit', (code, signal) => {
      clearInterval(sampler);
      this.onExit(environment, code, signal);
    });
    return environment;
  }

  private async stopEnvironment(environment: Environment | undefined): Promise<void> {
    if (!environment) return;
    if (environment.child.exitCode === null && environment.child.signalCode === null) environment.child.kill('SIGKILL');
    // the log sockets' connections end with the process
    await Promise.race([environment.closed, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    await new Promise<void>((resolve) => environment.logSocket.close(() => resolve()));
    rmSync(environment.socketPath, { force: true });
  }

  /** The runtime process exited: its invocations in flight fail with Runtime.ExitError (or its init did). */
  private onExit(environment: Environment, code: number | null, signal: NodeJS.Signals | null): void {
    if (environment.exited) return;
    environment.exited = true;
    if (environment !== this.env) return; // already replaced
    this.env = undefined;
    void (async () => {
      await Promise.race([environment.closed, new Promise((resolve) => setTimeout(resolve, 500).unref())]);
      if (!environment.ready && !this.initFailed) {
        // died during init: the next event fails with Runtime.ExitError, as in single mode
        clearTimeout(this.initTimer);
        this.initFail(environment, { errorType: 'Runtime.ExitError', errorMessage: '' }, performance.now(), 'exit', code, signal);
      }
      this.initFailed = false;
      for (const flight of [...this.inFlight.values()].filter((f) => f.env === environment)) {
        clearTimeout(flight.timer);
        this.inFlight.delete(flight.requestId);
        const error: LambdaErrorBody = { errorType: 'Runtime.ExitError', errorMessage: exitMessage(flight.requestId, code, signal) };
        const report = this.reportOf(flight, performance.now() - flight.startedAt, environment.memoryMb, { status: 'error', errorType: error.errorType });
        this.end(flight, report, { status: 'error', exitCode: EXIT_CODES.functionError, payload: JSON.stringify(error), error });
      }
      await this.stopEnvironment(environment);
      this.pump();
    })();
  }

  /** Init failed (an init error, the runtime's exit, the init timeout): the next event fails with it. */
  private initFail(
    environment: Environment,
    initError: LambdaErrorBody,
    at: number,
    kind: 'init-error' | 'exit' | 'timeout',
    code: number | null = null,
    signal: NodeJS.Signals | null = null,
  ): void {
    this.initFailed = true;
    const index = this.next++;
    const requestId = randomUUID();
    this.perInvocation.set(requestId, { logs: [], functionLines: [] });
    const durationMs = at - environment.spawnedAt;
    const status: 'error' | 'timeout' = kind === 'timeout' ? 'timeout' : 'error';
    const error: LambdaErrorBody =
      kind === 'init-error'
        ? initError
        : kind === 'exit'
          ? { errorType: 'Runtime.ExitError', errorMessage: exitMessage(requestId, code, signal) }
          : timedOutError(requestId, this.validated.initTimeout);
    const errorType = status === 'timeout' ? undefined : error.errorType;
    const maxMemoryUsedMb = peakMemoryMb(environment.child.pid) ?? environment.memoryMb;
    const report: Report = { durationMs, billedDurationMs: Math.ceil(durationMs), memorySizeMb: this.validated.memory, maxMemoryUsedMb, status, errorType };
    this.emit(initReportLine(durationMs, status, errorType), requestId);
    this.emit(startLine(requestId), requestId);
    this.emit(endLine(requestId), requestId);
    this.emit(reportLine(requestId, report), requestId);
    this.finish(index, { requestId, status: 'init-error', exitCode: EXIT_CODES.initError, cold: true, payload: JSON.stringify(error), error, report });
  }

  /** Dispatches events while fewer than `max` are in flight; starts an environment when there is none. */
  private pump(): void {
    if (this.next >= this.validated.events.length || this.starting) return;
    if (!this.env) {
      this.starting = true;
      void this.startEnvironment().then((environment) => this.initStarted(environment));
      return;
    }
    if (!this.env.ready) return;
    while (this.next < this.validated.events.length && this.inFlight.size < this.max) this.dispatch(this.env);
  }

  /** The environment is starting: its init is bounded by initTimeout. */
  private initStarted(environment: Environment): void {
    this.starting = false;
    this.env = environment;
    this.initTimer = setTimeout(() => {
      if (environment.ready || environment.exited) return;
      const at = performance.now();
      this.env = undefined;
      environment.exited = true;
      this.initFail(environment, { errorType: 'Sandbox.Timedout', errorMessage: '' }, at, 'timeout');
      void this.stopEnvironment(environment).then(() => {
        this.initFailed = false;
        this.pump();
      });
    }, this.validated.initTimeout * 1000);
  }

  /** Hands the next event to the environment. */
  private dispatch(environment: Environment): void {
    const index = this.next++;
    const requestId = randomUUID();
    const { timeout } = this.validated;
    this.perInvocation.set(requestId, { logs: [], functionLines: [] });
    const flight: InFlight = {
      index,
      requestId,
      startedAt: performance.now(),
      cold: this.coldPending.has(environment),
      initDurationMs: this.coldPending.get(environment),
      env: environment,
      timer: setTimeout(() => this.onTimeout(requestId), timeout * 1000),
    };
    this.coldPending.delete(environment);
    this.inFlight.set(requestId, flight);
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight.size);
    this.emit(startLine(requestId), requestId);
    this.api.dispatch({ requestId, body: JSON.stringify(this.validated.events[index]), headers: invocationHeaders(requestId, timeout, this.options) });
  }

  private onTimeout(requestId: string): void {
    const flight = this.inFlight.get(requestId);
    if (!flight) return;
    // On Managed Instances the other invocations in flight go on: this one is answered as timed out, its late
    // outcome refused; the environment is not stopped.
    this.inFlight.delete(requestId);
    this.api.abandon(requestId);
    const { timeout } = this.validated;
    const report = this.reportOf(flight, timeout * 1000, peakMemoryMb(flight.env.child.pid) ?? flight.env.memoryMb, { status: 'timeout' });
    const error: LambdaErrorBody = timedOutError(requestId, timeout);
    this.end(flight, report, { status: 'timeout', exitCode: EXIT_CODES.timeout, payload: JSON.stringify(error), error });
  }

  private async onOutcome(outcome: RuntimeOutcome, memoryMb: number | undefined): Promise<void> {
    const flight = this.inFlight.get(outcome.requestId);
    if (!flight) return;
    clearTimeout(flight.timer);
    this.inFlight.delete(outcome.requestId);
    const durationMs = outcome.at - flight.startedAt;
    await this.settle();
    const report = this.reportOf(flight, durationMs, memoryMb ?? flight.env.memoryMb);
    if (outcome.kind === 'response') {
      this.end(flight, report, {
        status: 'success',
        exitCode: EXIT_CODES.success,
        payload: outcome.body,
        response: parseResponse(outcome.body, outcome.streamed),
      });
    } else {
      this.end(flight, report, { status: 'error', exitCode: EXIT_CODES.functionError, payload: outcome.body, error: outcome.error });
    }
  }

  private onNext(at: number): void {
    const environment = this.env;
    if (!environment || environment.ready) return;
    // the first /next of an environment ends its init (the other workers' come as they finish theirs)
    environment.ready = true;
    clearTimeout(this.initTimer);
    this.coldPending.set(environment, at - environment.spawnedAt);
    this.pump();
  }

  private onInitError(error: LambdaErrorBody, at: number): void {
    const environment = this.env;
    if (!environment || environment.ready || this.initFailed) return;
    clearTimeout(this.initTimer);
    this.env = undefined;
    environment.exited = true;
    this.initFail(environment, error, at, 'init-error');
    void this.stopEnvironment(environment).then(() => {
      this.initFailed = false;
      this.pump();
    });
  }
}

/** Runs the events as Lambda Managed Instances would (see the top of this file). */
export function invokeConcurrently(options: InvokeOptions, validated: Validated, location: HandlerLocation, execArgv: string[]): Promise<InvokeResult> {
  return new ConcurrentRun(options, validated, location, execArgv).run();
}
