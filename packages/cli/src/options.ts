// invoke()'s options, checked with the shared checker of @lambdaware/shared, and what it returns.
import { type OptionRule, WHOLE_OPTIONS, is, optionsChecker, thrownMessage } from '@lambdaware/shared';
import { InvokeOptionsError } from './errors.js';
import type { Report } from './report.js';
import type { LambdaErrorBody } from './runtime-api.js';

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
  /**
   * Lambda layers, in order: each a layer's .zip (or the directory it unzips to), extracted into a temporary `/opt`
   * as Lambda does; the handler then runs from a copy of its task root (without node_modules) and finds packages in
   * the layers' `nodejs/node_modules` (CommonJS and ES modules), the AWS SDK from the project as from the runtime's.
   * JavaScript handlers only.
   */
  layers?: string[];
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
  /** What the CLI warns about (also written to `output`): Max Memory Used over Memory Size. */
  warnings?: string[];
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

export const checker = optionsChecker('@lambdaware/cli', 'invoke', (init) => new InvokeOptionsError(init));

const isSeconds =
  (max: number) =>
  (v: unknown): boolean =>
    typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= max;

/** The rule of each option (`null`: checked elsewhere: handler by resolveHandler, events below). */
const RULES: Record<keyof InvokeOptions, OptionRule | null> = {
  handler: null,
  event: null,
  events: is.custom('a non-empty array of events', (v) => Array.isArray(v) && v.length > 0),
  timeout: is.custom('seconds, more than 0 and at most 900 (Lambda allows 1 to 900)', isSeconds(900)),
  memory: is.custom("whole MB between 128 and 10240 (Lambda's range)", (v) => Number.isInteger(v) && (v as number) >= 128 && (v as number) <= 10240),
  env: is.object,
  inheritEnv: is.boolean,
  taskRoot: is.string(false),
  cwd: is.string(false),
  functionName: is.string(false),
  region: is.string(false),
  clientContext: is.object,
  identity: is.object,
  output: is.custom('a stream-like object with write(text)', (v) => typeof (v as { write?: unknown } | null)?.write === 'function'),
  nodePath: is.string(false),
  initTimeout: is.custom('seconds > 0', (v) => typeof v === 'number' && v > 0),
  concurrency: is.custom(
    'a whole number of invocations in flight, 1 to 1000 (AWS_LAMBDA_MAX_CONCURRENCY)',
    (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 1000,
  ),
  layers: is.custom(
    'a non-empty array of paths (layer .zip files or directories)',
    (v) => Array.isArray(v) && v.length > 0 && v.every((p) => typeof p === 'string' && p !== ''),
  ),
};

/** Each event must go to the runtime as JSON, within Lambda's payload limit. */
const checkEvent = (event: unknown, option: string): void => {
  let text: string | undefined;
  try {
    text = JSON.stringify(event);
    if (text === undefined) throw new Error(`${typeof event} is not JSON`);
  } catch (error) {
    throw checker.error(option, { problem: `cannot be sent as JSON: ${thrownMessage(error)}` });
  }
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_REQUEST_BYTES) {
    throw checker.error(option, {
      problem: `is ${bytes} bytes, over Lambda's ${MAX_REQUEST_BYTES}-byte limit for a synchronous invocation (RequestEntityTooLargeException)`,
    });
  }
};

/** invoke()'s options checked (the shared checker), with their defaults. */
export function validate(
  options: InvokeOptions,
): Required<Pick<InvokeOptions, 'timeout' | 'memory' | 'initTimeout'>> & { events: unknown[]; concurrency?: number } {
  checker.options(options, RULES);
  if (options === undefined) throw checker.error(WHOLE_OPTIONS, { expected: 'an object', value: options });
  const timeout = options.timeout ?? 3;
  const memory = options.memory ?? 128;
  // Managed Instances allow init the larger of 130 s and the function timeout; an on-demand environment 10 s
  const initTimeout = options.initTimeout ?? (options.concurrency !== undefined ? Math.max(130, timeout) : 10);
  if (options.events !== undefined && options.event !== undefined) {
    throw checker.error('events', { problem: 'cannot be given with option "event": give one of them, not both' });
  }
  for (const [key, value] of Object.entries(options.env ?? {})) checker.check(`env.${key}`, value, is.string(false), false);
  const events = options.events ?? [options.event ?? {}];
  events.forEach((event, index) => checkEvent(event, options.events === undefined ? 'event' : `events[${index}]`));
  return { timeout, memory, initTimeout, events, concurrency: options.concurrency };
}

/** Validated options (see `validate`). */
export type Validated = ReturnType<typeof validate>;
