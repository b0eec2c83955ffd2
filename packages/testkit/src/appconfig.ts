import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { FaultRules, type HttpAnswer, type HttpEndpoint, endCall, startLocalAwsEndpoint } from './http-endpoint.js';

/**
 * A local AWS AppConfig Data endpoint for tests: the REST-JSON API the real `@aws-sdk/client-appconfigdata` calls,
 * on 127.0.0.1. `POST /configurationsessions` (StartConfigurationSession) answers an initial token;
 * `GET /configuration?configuration_token=` (GetLatestConfiguration) answers the profile's content the first time a
 * session sees its version and an empty body after (unchanged), with the next token (each token is good for one
 * call, as in AWS) and `Next-Poll-Interval-In-Seconds`. Scripted faults as the other local endpoints.
 */

export type AppConfigOperation = 'StartConfigurationSession' | 'GetLatestConfiguration';

/** A scripted fault; the first matching rule with `times` left applies (`error` + `status`, `delayMs`, `drop`). */
export interface AppConfigFault {
  error?: string;
  status?: number;
  message?: string;
  delayMs?: number;
  drop?: boolean;
  times?: number;
  operation?: AppConfigOperation;
}

export interface AppConfigCall {
  operation: string;
  /** StartConfigurationSession's body, or GetLatestConfiguration's `{ token }`. */
  body: Record<string, unknown>;
  at: number;
  /** 'ok' (content sent), 'unchanged' (empty body), an error type, 'drop' or 'delay+...'. */
  outcome: string;
}

export interface LocalAppConfig {
  endpoint: string;
  /** AWS_ENDPOINT_URL_APPCONFIGDATA, dummy credentials, the region. */
  env: Record<string, string>;
  calls: AppConfigCall[];
  callsOf(operation: AppConfigOperation): AppConfigCall[];
  /**
   * Deploys a new version of a profile: an object is sent as JSON (`application/json`), a string as is with
   * `contentType` (default `text/plain`). Returns the version label.
   */
  setConfiguration(application: string, environment: string, profile: string, content: string | object, contentType?: string): string;
  /** The Next-Poll-Interval-In-Seconds answered from now on (default 60; AWS never says less than 15). */
  setPollInterval(seconds: number): void;
  setFault(faults?: AppConfigFault | AppConfigFault[]): void;
  addFault(...faults: AppConfigFault[]): void;
  close(): Promise<void>;
}

export interface StartAppConfigOptions {
  region?: string;
  pollIntervalSeconds?: number;
  faults?: AppConfigFault[];
  setEnv?: boolean;
}

interface Profile {
  content: Buffer;
  contentType: string;
  version: number;
}

const STATUS: Record<string, number> = {
  BadRequestException: 400,
  ResourceNotFoundException: 404,
  ThrottlingException: 429,
  InternalServerException: 500,
  AccessDeniedException: 403,
};

const error = (type: string, message: string, status = STATUS[type] ?? 400): HttpAnswer => ({
  status,
  headers: { 'x-amzn-errortype': type, 'content-type': 'application/json' },
  body: { Message: message, message },
});

export const startAppConfig = async (options: StartAppConfigOptions = {}): Promise<LocalAppConfig> => {
  const region = options.region ?? 'us-east-1';
  const profiles = new Map<string, Profile>();
  /** token → the session it belongs to (its profile key, the version it last received); used once. */
  const tokens = new Map<string, { key: string; seen: number }>();
  const calls: AppConfigCall[] = [];
  let interval = options.pollIntervalSeconds ?? 60;
  const faults = new FaultRules<AppConfigFault>();
  faults.set(options.faults);

  const answer = (operation: string, body: Record<string, unknown>): HttpAnswer => {
    if (operation === 'StartConfigurationSession') {
      const key = [body.ApplicationIdentifier, body.EnvironmentIdentifier, body.ConfigurationProfileIdentifier].map(String).join('/');
      if (!profiles.has(key)) return error('ResourceNotFoundException', `Configuration profile ${key} not found`);
      const token = randomUUID();
      tokens.set(token, { key, seen: 0 });
      return { status: 201, body: { InitialConfigurationToken: token } };
    }
    const session = tokens.get(String(body.token));
    if (session === undefined) return error('BadRequestException', 'The configuration token is not valid (unknown, expired or already used)');
    tokens.delete(String(body.token));
    const profile = profiles.get(session.key)!;
    const next = randomUUID();
    tokens.set(next, { key: session.key, seen: profile.version });
    const changed = profile.version !== session.seen;
    return {
      status: 200,
      headers: {
        'next-poll-configuration-token': next,
        'next-poll-interval-in-seconds': String(interval),
        'content-type': profile.contentType,
        ...(changed ? { 'version-label': String(profile.version) } : {}),
      },
      body: changed ? profile.content : '',
    };
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string, http: HttpEndpoint): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const operation =
      req.method === 'POST' && url.pathname === '/configurationsessions'
        ? 'StartConfigurationSession'
        : req.method === 'GET' && url.pathname === '/configuration'
          ? 'GetLatestConfiguration'
          : `${req.method} ${url.pathname}`;
    let body: Record<string, unknown> = {};
    if (operation === 'GetLatestConfiguration') body = { token: url.searchParams.get('configuration_token') };
    else {
      try {
        body = raw.length > 0 ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        http.send(res, error('BadRequestException', 'The request body is not JSON'));
        return;
      }
    }
    const call: AppConfigCall = { operation, body, at: Date.now(), outcome: 'ok' };
    calls.push(call);
    const fault = faults.take((f) => f.operation === undefined || f.operation === operation);
    endCall(
      req,
      res,
      http,
      call,
      fault,
      () =>
        fault !== undefined && (fault.error !== undefined || fault.status !== undefined)
          ? error(fault.error ?? (fault.status! >= 500 ? 'InternalServerException' : 'BadRequestException'), fault.message ?? 'injected fault', fault.status)
          : operation === 'StartConfigurationSession' || operation === 'GetLatestConfiguration'
            ? answer(operation, body)
            : error('UnknownOperationException', `Unknown operation ${operation}`, 404),
      (a) => (a.status >= 300 ? String(a.headers['x-amzn-errortype']) : a.status === 200 && (a.body === '' || a.body === undefined) ? 'unchanged' : 'ok'),
    );
  };

  const { http, env, restoreEnv } = await startLocalAwsEndpoint(handle, 'AWS_ENDPOINT_URL_APPCONFIGDATA', region, options.setEnv);
  return {
    endpoint: http.url,
    env,
    calls,
    callsOf: (operation) => calls.filter((c) => c.operation === operation),
    setConfiguration: (application, environment, profile, content, contentType) => {
      const key = `${application}/${environment}/${profile}`;
      const version = (profiles.get(key)?.version ?? 0) + 1;
      const json = typeof content !== 'string';
      profiles.set(key, {
        content: Buffer.from(json ? JSON.stringify(content) : content, 'utf8'),
        contentType: contentType ?? (json ? 'application/json' : 'text/plain'),
        version,
      });
      return String(version);
    },
    setPollInterval: (s) => {
      interval = s;
    },
    setFault: (f) => faults.set(f),
    addFault: (...f) => faults.add(...f),
    close: async () => {
      await http.close();
      restoreEnv();
    },
  };
};
