// sentry()'s options: their rules (the shared checker of @lambdaware/shared), the environment defaults, and the
// resolved configuration the middleware runs on.
import type { Request } from '@middy/core';
import { type OptionRule, OptionsError, is, nameErrorClass, optionsChecker } from '@lambdaware/shared';
import type { ReporterConfig } from './reporter.js';

export interface SentryOptions {
  /**
   * The Sentry DSN of the light reporter, used when the process has no Sentry client of its own. Default:
   * `SENTRY_DSN`. Without a DSN and without an app client nothing is reported and the SDK is never imported.
   */
  dsn?: string;
  /** Force off (false) even with a DSN or an app client. Default: on. */
  enabled?: boolean;
  /** The light reporter's environment (an app client has its own). Default: `SENTRY_ENVIRONMENT`, else `SENTRY_ENV`. */
  environment?: string;
  /** The light reporter's release (an app client has its own). Default: `SENTRY_RELEASE`. */
  release?: string;
  /** The longest the invocation waits for Sentry to accept an event, in ms. Default 2000. */
  flushTimeout?: number;
  /** Time kept free before the function's deadline: the wait is also bounded by remaining time minus this. Default 300 ms. */
  flushMargin?: number;
  /**
   * Report a "possible timeout" event shortly before the deadline: `true` (500 ms before) or the ms before the
   * deadline. Default false. The only option that adds work (one unref'd timer) to successful invocations.
   */
  timeoutWarning?: boolean | number;
  /** Tags added to every event. */
  tags?: Record<string, string>;
  /**
   * The invocation's recent log lines (kept by @lambdaware/logger: masked, bounded, the buffered ones included) on the
   * failure's event as breadcrumbs. Default true.
   */
  breadcrumbs?: boolean;
  /** Which errors to report. Default: all. */
  shouldReport?: (error: unknown, request: Request) => boolean;
  /** The light reporter's beforeSend (an app client runs its own); runs before the built-in redaction; null drops the event. */
  beforeSend?: ReporterConfig['beforeSend'];
}

/**
 * Thrown by `sentry()` at creation time when an option is invalid; `option` names it. The shared OptionsError of
 * @lambdaware/shared (`option`, `expected`, `given`; `instanceof OptionsError` holds).
 */
export class SentryOptionsError extends OptionsError {}
nameErrorClass(SentryOptionsError, 'SentryOptionsError');

export const defaults = {
  flushTimeout: 2000,
  flushMargin: 300,
  timeoutWarning: false as boolean | number,
  /** What `timeoutWarning: true` means, in ms before the deadline (as @sentry/aws-serverless). */
  timeoutWarningDefault: 500,
};

/** The configuration sentry() runs on (options over defaults over the environment). */
export interface Config {
  dsn: string | undefined;
  enabled: boolean;
  environment: string | undefined;
  release: string | undefined;
  flushTimeout: number;
  flushMargin: number;
  /** ms before the deadline, or 0 when off. */
  timeoutWarningMs: number;
  tags: Record<string, string>;
  breadcrumbs: boolean;
  shouldReport: SentryOptions['shouldReport'];
  beforeSend: SentryOptions['beforeSend'];
}

const checker = optionsChecker('@lambdaware/sentry', 'sentry', (init) => new SentryOptionsError(init));

const isStringRecord = (v: unknown): boolean => is.object.test(v) && Object.values(v as object).every((x) => typeof x === 'string');

/** The rule of each option. */
const RULES: Record<keyof SentryOptions, OptionRule> = {
  dsn: is.string(false),
  enabled: is.boolean,
  environment: is.string(false),
  release: is.string(false),
  flushTimeout: is.ms(0),
  flushMargin: is.ms(0),
  timeoutWarning: is.custom('true, false or a number of milliseconds >= 1', (v) => typeof v === 'boolean' || is.ms(1).test(v)),
  tags: is.custom('an object of string values', isStringRecord),
  breadcrumbs: is.boolean,
  shouldReport: is.function('(error, request) => boolean'),
  beforeSend: is.function('(event, hint) => event | null'),
};

const env = (name: string): string | undefined => {
  const v = process.env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
};

/** Why `dsn` is not a DSN the way the SDK parses it (`<protocol>://<publicKey>@<host>[:port]/<path/><projectId>`), or undefined. */
const dsnProblem = (dsn: string): string | undefined => {
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `protocol "${url.protocol}" is not http: or https:`;
  if (!url.username) return 'no public key before "@"';
  if (!url.hostname) return 'no host';
  const projectId = url.pathname.split('/').filter(Boolean).at(-1);
  if (projectId === undefined) return 'no project id at the end of the path';
  if (!/^\d+$/.test(projectId)) return `project id "${projectId}" is not a number`;
  return undefined;
};

/** Throws unless the DSN (from the option, or from SENTRY_DSN when the option is not set) is one. */
const checkDsn = (dsn: string, fromOption: boolean): void => {
  const why = dsnProblem(dsn);
  if (why === undefined) return;
  // The public key is not a secret, but a malformed value could be anything: show its shape only.
  const what = `is not a valid Sentry DSN (${why}); expected https://<publicKey>@<host>/<projectId>`;
  throw checker.error('dsn', { problem: fromOption ? what : `is not set, and SENTRY_DSN ${what}` });
};

/** The ms before the deadline the timeout warning fires at, or 0 when it is off. */
const timeoutWarningMs = (value: boolean | number): number => (value === true ? defaults.timeoutWarningDefault : value === false ? 0 : value);

/** Options checked and spread over the defaults and the environment. */
export const resolveOptions = (options: unknown): Config => {
  const o = { ...defaults, ...(checker.options(options, RULES) as SentryOptions) };
  const dsn = (o.dsn ?? env('SENTRY_DSN'))?.trim();
  const enabled = o.enabled ?? dsn !== undefined;
  if (enabled && (dsn === undefined || dsn === '')) {
    throw checker.error('enabled', { problem: 'is true but no DSN is set (option "dsn" or SENTRY_DSN)' });
  }
  if (enabled) checkDsn(dsn!, o.dsn !== undefined);
  return {
    dsn,
    enabled,
    environment: o.environment ?? env('SENTRY_ENVIRONMENT') ?? env('SENTRY_ENV'),
    release: o.release ?? env('SENTRY_RELEASE'),
    flushTimeout: o.flushTimeout ?? defaults.flushTimeout,
    flushMargin: o.flushMargin ?? defaults.flushMargin,
    timeoutWarningMs: timeoutWarningMs(o.timeoutWarning ?? defaults.timeoutWarning),
    tags: o.tags ?? {},
    breadcrumbs: o.breadcrumbs ?? true,
    shouldReport: o.shouldReport,
    beforeSend: o.beforeSend,
  };
};
