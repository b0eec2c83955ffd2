import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyEnv } from './env.js';
import { type HttpEndpoint, startHttpEndpoint } from './http-endpoint.js';

/**
 * A fake of the AWS Parameters and Secrets Lambda Extension's documented HTTP API, for tests: `GET
 * /secretsmanager/get?secretId=…[&versionId=…|&versionStage=…]` and `GET /systemsmanager/parameters/get?name=…
 * [&withDecryption=true]`, the `X-Aws-Parameters-Secrets-Token` header checked against the session token (401
 * otherwise), answers cached for `ttlMs` (the extension's SECRETS_MANAGER_TTL / SSM_PARAMETER_STORE_TTL, 300 s by
 * default) and fetched, on a miss, from the local Secrets Manager / SSM endpoints (as the extension calls AWS): their
 * answer relayed with its status (an error as the service's JSON error body).
 */

export interface ExtensionCall {
  path: string;
  /** 'hit' (from its cache), 'miss' (fetched), 'unauthorized', 'not-found' (an unknown path). */
  outcome: string;
  at: number;
}

export interface FakeParametersExtension {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** `PARAMETERS_SECRETS_EXTENSION_HTTP_PORT` and `AWS_SESSION_TOKEN` (the token the fake expects). */
  env: Record<string, string>;
  calls: ExtensionCall[];
  /** Empties its cache (the next GET of each value is fetched). */
  flush(): void;
  close(): Promise<void>;
}

export interface StartParametersExtensionOptions {
  /** The local Secrets Manager endpoint to fetch from (`startSecretsManager().endpoint`). */
  secretsManager?: string;
  /** The local SSM endpoint to fetch from (`startSsm().endpoint`). */
  ssm?: string;
  /** The session token expected in the header (default a fixed test token). */
  token?: string;
  /** How long an answer is served from the cache (default 300000; 0: never cached). */
  ttlMs?: number;
  /** Set `env` on process.env now, and put the previous values back on close() (default false). */
  setEnv?: boolean;
  /** Listen on this port (default an ephemeral one). */
  port?: number;
}

const upstream = async (endpoint: string, target: string, body: object): Promise<{ status: number; text: string }> => {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
};

export const startParametersSecretsExtension = async (options: StartParametersExtensionOptions = {}): Promise<FakeParametersExtension> => {
  const token = options.token ?? 'local-session-token-for-the-extension';
  const ttlMs = options.ttlMs ?? 300_000;
  const cache = new Map<string, { at: number; status: number; text: string }>();
  const calls: ExtensionCall[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse, _raw: string, http: HttpEndpoint): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const call: ExtensionCall = { path: `${url.pathname}${url.search}`, outcome: 'miss', at: Date.now() };
    calls.push(call);
    if (req.headers['x-aws-parameters-secrets-token'] !== token) {
      call.outcome = 'unauthorized';
      http.send(res, { status: 401, body: 'Unauthorized: X-Aws-Parameters-Secrets-Token is missing or wrong' });
      return;
    }
    const q = url.searchParams;
    let fetchIt: (() => Promise<{ status: number; text: string }>) | undefined;
    if (url.pathname === '/secretsmanager/get' && options.secretsManager !== undefined && q.get('secretId')) {
      const body = { SecretId: q.get('secretId'), VersionId: q.get('versionId') ?? undefined, VersionStage: q.get('versionStage') ?? undefined };
      fetchIt = () => upstream(options.secretsManager!, 'secretsmanager.GetSecretValue', body);
    } else if (url.pathname === '/systemsmanager/parameters/get' && options.ssm !== undefined && q.get('name')) {
      const body = { Name: q.get('name'), WithDecryption: q.get('withDecryption') === 'true' };
      fetchIt = async () => {
        const r = await upstream(options.ssm!, 'AmazonSSM.GetParameter', body);
        // the extension answers GetParameter's output with its ResultMetadata
        return r.status === 200 ? { status: 200, text: JSON.stringify({ ...(JSON.parse(r.text) as object), ResultMetadata: {} }) } : r;
      };
    }
    if (fetchIt === undefined) {
      call.outcome = 'not-found';
      http.send(res, { status: 400, body: `unknown path or missing query parameter: ${url.pathname}` });
      return;
    }
    const key = call.path;
    const hit = cache.get(key);
    if (hit !== undefined && Date.now() - hit.at < ttlMs) {
      call.outcome = 'hit';
      http.send(res, { status: hit.status, body: hit.text, headers: { 'content-type': 'application/json' } });
      return;
    }
    fetchIt().then(
      (r) => {
        if (r.status === 200 && ttlMs > 0) cache.set(key, { at: Date.now(), ...r });
        http.send(res, { status: r.status, body: r.text, headers: { 'content-type': 'application/json' } });
      },
      (e: unknown) => http.send(res, { status: 502, body: `upstream failed: ${String(e)}` }),
    );
  };

  const http = await startHttpEndpoint(handle, options.port ?? 0);
  const env = { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(http.port), AWS_SESSION_TOKEN: token };
  const restoreEnv = options.setEnv === true ? applyEnv(env) : () => {};
  return {
    url: http.url,
    port: http.port,
    env,
    calls,
    flush: () => cache.clear(),
    close: async () => {
      await http.close();
      restoreEnv();
    },
  };
};
