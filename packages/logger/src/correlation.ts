import { InvocationScoped } from './invocation.js';

/**
 * Where common events carry a correlation id: the same paths as Powertools' `correlationPaths`
 * (`@aws-lambda-powertools/logger/correlationId`), usable by name: `logContext({ correlationIdPath: 'API_GATEWAY_REST' })`.
 */
export const correlationPaths = {
  API_GATEWAY_REST: 'requestContext.requestId',
  API_GATEWAY_HTTP: 'requestContext.requestId',
  APPSYNC_AUTHORIZER: 'requestContext.requestId',
  APPSYNC_RESOLVER: 'request.headers."x-amzn-trace-id"',
  APPLICATION_LOAD_BALANCER: 'headers."x-amzn-trace-id"',
  EVENT_BRIDGE: 'id',
  LAMBDA_FUNCTION_URL: 'requestContext.requestId',
  S3_OBJECT_LAMBDA: 'xAmzRequestId',
  VPC_LATTICE: 'headers."x-amzn-trace-id"',
} as const;

export type CorrelationPreset = keyof typeof correlationPaths;

/** One step of a path: a key, or an array index. */
type Step = string | number;

/**
 * Parses a small JMESPath subset: keys joined by dots, a key in double quotes when it has other characters
 * (`headers."x-correlation-id"`), array indexes (`Records[0].messageId`). Returns undefined when `path` is not one.
 */
export const parseCorrelationPath = (path: string): Step[] | undefined => {
  const steps: Step[] = [];
  let i = 0;
  const n = path.length;
  while (i < n) {
    if (path[i] === '"') {
      const end = path.indexOf('"', i + 1);
      if (end < 0 || end === i + 1) return undefined;
      steps.push(path.slice(i + 1, end));
      i = end + 1;
    } else {
      const m = /^[A-Za-z_$][\w$-]*/.exec(path.slice(i));
      if (m === null) return undefined;
      steps.push(m[0]);
      i += m[0].length;
    }
    while (path[i] === '[') {
      const m = /^\[(\d+)\]/.exec(path.slice(i));
      if (m === null) return undefined;
      steps.push(Number(m[1]));
      i += m[0].length;
    }
    if (i < n) {
      if (path[i] !== '.' || i + 1 === n) return undefined;
      i += 1;
    }
  }
  return steps.length > 0 ? steps : undefined;
};

/**
 * The value at `steps` in `event` as a string (a number too), or undefined. A key is matched exactly, else in any
 * letter case (HTTP header names arrive lower-cased from HTTP APIs and as sent from REST APIs). Never throws.
 */
export const readCorrelationId = (event: unknown, steps: readonly Step[]): string | undefined => {
  try {
    let v: unknown = event;
    for (const step of steps) {
      if (v === null || typeof v !== 'object') return undefined;
      if (typeof step === 'number') {
        v = Array.isArray(v) ? v[step] : undefined;
        continue;
      }
      const o = v as Record<string, unknown>;
      if (Object.hasOwn(o, step)) v = o[step];
      else {
        const lower = step.toLowerCase();
        const key = Object.keys(o).find((k) => k.toLowerCase() === lower);
        v = key === undefined ? undefined : o[key];
      }
    }
    if (typeof v === 'string') return v === '' ? undefined : v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    return undefined;
  } catch {
    return undefined;
  }
};

/** The correlation id of the invocation running now (per invocation on Managed Instances too). */
const current = new InvocationScoped<{ id: string | undefined }>('lambdaware.logger.correlationId', () => ({ id: undefined }));

/** Called by logContext() when created (reads whether invocations run concurrently, once). */
export const prepareCorrelation = (): void => current.refresh();

/** Called by logContext() at the start of each invocation. */
export const startCorrelation = (id: string | undefined): void => {
  current.reset().id = id;
};

/**
 * The correlation id logContext({ correlationIdPath }) found in this invocation's event, or undefined (no path, or
 * nothing at it). Read it anywhere in the handler: `correlationId()`.
 */
export const correlationId = (): string | undefined => current.get().id;
