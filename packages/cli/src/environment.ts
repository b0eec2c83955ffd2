// The execution environment of one-at-a-time mode: a child Node process running aws-lambda-ric against the local
// Runtime API, its lines captured (stdout, stderr, the telemetry fd), and the signals (from the Runtime API, the
// child, timers) the invocation loop of invoke.ts takes in order.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { HandlerLocation } from './handler.js';
import type { InvocationResult, InvokeOptions } from './options.js';
import { peakMemoryMb } from './report.js';
import { RIC_ENTRY, TelemetryFrames, nodeArguments, runtimeVariables, singleModeVariables } from './ric-adapter.js';
import { RuntimeApi, type LambdaErrorBody, type RuntimeOutcome } from './runtime-api.js';

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
    ...runtimeVariables(location, address),
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

/** What the invocation loop waits for. */
export type Signal =
  | { type: 'next'; at: number }
  | { type: 'init-error'; error: LambdaErrorBody; at: number }
  | { type: 'outcome'; outcome: RuntimeOutcome; memoryMb: number | undefined }
  | { type: 'exit'; env: Environment; code: number | null; signal: NodeJS.Signals | null }
  | { type: 'timer' };

/** One runtime process. */
export interface Environment {
  child: ChildProcess;
  spawnedAt: number;
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  closed: Promise<void>;
  memoryMb: number;
}

const REQUEST_ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Every line: to the output as it comes, and into the capture of the invocation it belongs to. */
export class LineCapture {
  readonly all: string[] = [];
  private lines: string[] = [];
  private fnLines: string[] = [];
  /** Bytes read from the runtime so far (to see when its pipes are quiet). */
  bytesSeen = 0;
  /** The streams holding the start of a line whose end has not come yet. */
  readonly partials = new Set<Readable>();
  private readonly finished = new Map<string, InvocationResult>();
  private current: string | undefined;

  constructor(private readonly output: InvokeOptions['output']) {}

  /** The invocation whose lines come now. */
  begin(requestId: string): void {
    this.current = requestId;
  }

  emit(line: string, fromFunction = false): void {
    this.all.push(line);
    this.output?.write(line + '\n');
    // A line that comes after its invocation's END (a large write still in the pipe when the response came)
    // belongs to the invocation it names, not to the next one.
    const late = fromFunction ? this.lateOwner(line) : undefined;
    if (late) {
      late.logs.push(line);
      late.functionLines.push(line);
      return;
    }
    this.lines.push(line);
    if (fromFunction) this.fnLines.push(line);
  }

  private lateOwner(line: string): InvocationResult | undefined {
    if (this.finished.size === 0) return undefined;
    const ids: string[] = line.slice(0, 4096).match(REQUEST_ID) ?? [];
    if (this.current !== undefined && ids.includes(this.current)) return undefined;
    for (const id of ids) {
      const owner = this.finished.get(id);
      if (owner) return owner;
    }
    return undefined;
  }

  /** The invocation's result with its lines; the next lines belong to the next invocation. */
  finish(result: Omit<InvocationResult, 'logs' | 'functionLines'>): InvocationResult {
    const done: InvocationResult = { ...result, logs: this.lines, functionLines: this.fnLines };
    this.finished.set(done.requestId, done);
    this.current = undefined;
    this.lines = [];
    this.fnLines = [];
    return done;
  }

  /** Lets the pipes deliver what the function wrote before its response arrived (lines before END). */
  async settle(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      const before = this.bytesSeen;
      await new Promise((resolve) => setImmediate(resolve));
      if (this.bytesSeen === before && i >= 1) break;
    }
    // A line larger than the pipe's buffer (64 KB) is still coming in pieces when the response arrives: wait for
    // its end (at most 2 s), so that it is printed before END and counted in this invocation's lines.
    for (const until = performance.now() + 2000; this.partials.size > 0 && performance.now() < until; ) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /** Reads a stdout/stderr pipe line by line. */
  readLines(stream: Readable): Promise<void> {
    return new Promise<void>((resolve) => {
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        this.bytesSeen += chunk.length;
        const parts = (partial + chunk).split('\n');
        partial = parts.pop()!;
        if (partial) this.partials.add(stream);
        else this.partials.delete(stream);
        for (const part of parts) this.emit(part.replace(/\r$/, ''), true);
      });
      stream.on('close', () => {
        if (partial) this.emit(partial, true);
        this.partials.delete(stream);
        resolve();
      });
    });
  }

  /** Reads the telemetry fd frame by frame. */
  readFrames(stream: Readable): Promise<void> {
    return new Promise<void>((resolve) => {
      const frames = new TelemetryFrames((message) => this.emit(message, true));
      stream.on('data', (chunk: Buffer) => {
        this.bytesSeen += chunk.length;
        frames.push(chunk);
      });
      stream.on('close', () => resolve());
    });
  }
}

/**
 * The Runtime API, the current runtime process and the signals of both, for one-at-a-time mode: `take` waits for
 * the next signal of the kinds asked for (or a timer), in order.
 */
export class SingleHost {
  readonly api = new RuntimeApi();
  readonly capture: LineCapture;
  env: Environment | undefined;
  private readonly queue: Signal[] = [];
  private wake: (() => void) | undefined;
  private childEnv: Record<string, string> = {};

  constructor(
    private readonly options: InvokeOptions,
    private readonly location: HandlerLocation,
    private readonly memory: number,
    private readonly execArgv: string[],
  ) {
    this.capture = new LineCapture(options.output);
    this.api.listeners = {
      onNext: (at) => {
        if (this.env) this.env.memoryMb = peakMemoryMb(this.env.child.pid) ?? this.env.memoryMb;
        this.push({ type: 'next', at });
      },
      onInitError: (error, at) => this.push({ type: 'init-error', error, at }),
      // Max Memory Used is read the moment the response arrives, as the platform does.
      onOutcome: (outcome) => this.push({ type: 'outcome', outcome, memoryMb: this.env ? peakMemoryMb(this.env.child.pid) : undefined }),
    };
  }

  async open(): Promise<void> {
    const address = await this.api.listen();
    this.childEnv = functionEnvironment(this.options, this.location, address, this.memory);
  }

  private push(signal: Signal): void {
    this.queue.push(signal);
    this.wake?.();
  }

  /** The next signal of `types`, or a timer signal after `ms`. */
  async take(types: Signal['type'][], ms: number): Promise<Signal> {
    const timer = setTimeout(() => this.push({ type: 'timer' }), ms);
    try {
      for (;;) {
        while (this.queue.length > 0) {
          const signal = this.queue.shift()!;
          if (signal.type === 'exit' && signal.env !== this.env) continue; // an environment already replaced
          if (signal.type === 'timer' || types.includes(signal.type)) return signal;
        }
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
      }
    } finally {
      clearTimeout(timer);
      const stale = this.queue.findIndex((s) => s.type === 'timer');
      if (stale !== -1) this.queue.splice(stale, 1);
    }
  }

  /** Starts a runtime process (the cold start of a new execution environment). */
  start(): Environment {
    this.api.reset();
    this.queue.length = 0; // whatever the previous environment signalled is moot now
    const nodePath = this.options.nodePath ?? process.execPath;
    const child = spawn(nodePath, [...nodeArguments(this.memory, this.execArgv), RIC_ENTRY], {
      cwd: this.location.taskRoot,
      // the telemetry log fd Lambda gives the runtime: console.* lines arrive there as frames, written
      // synchronously, so each one is here before the response it precedes.
      env: { ...this.childEnv, AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(), ...singleModeVariables() },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    const environment: Environment = { child, spawnedAt: performance.now(), closed: Promise.resolve(), memoryMb: 0 };
    const streams = [this.capture.readLines(child.stdout!), this.capture.readLines(child.stderr!), this.capture.readFrames(child.stdio[3] as Readable)];
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
      this.capture.emit(`lambdaware: cannot start ${nodePath}: ${error.message}`);
      this.push({ type: 'exit', env: environment, code: null, signal: null });
    });
    child.on('exit', (code, signal) => {
      environment.exit = { code, signal };
      this.push({ type: 'exit', env: environment, code, signal });
    });
    this.env = environment;
    return environment;
  }

  /** Stops the runtime process (killed unless it exited) once its pipes are read. */
  async stop(): Promise<void> {
    if (!this.env) return;
    const stopping = this.env;
    this.env = undefined;
    if (!stopping.exit) stopping.child.kill('SIGKILL');
    await stopping.closed;
    this.api.reset();
  }

  /**
   * The end: the last lines the function wrote may still be coming (a large line can be written after the response
   * was posted): wait for 50 ms of quiet (at most 2 s), then stop the environment and the Runtime API.
   */
  async close(): Promise<void> {
    for (let quiet = 0, until = performance.now() + 2000; this.env && !this.env.exit && quiet < 10 && performance.now() < until; ) {
      const before = this.capture.bytesSeen;
      await new Promise((resolve) => setTimeout(resolve, 5));
      quiet = this.capture.bytesSeen === before && this.capture.partials.size === 0 ? quiet + 1 : 0;
    }
    await this.stop();
    await this.api.close();
  }
}
