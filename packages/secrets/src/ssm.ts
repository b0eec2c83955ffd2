import type { SSMClient } from '@aws-sdk/client-ssm';
import { classifySecret, registerSecret } from '@lambdaware/shared';
import type { SsmClientLike } from './clients.js';
import { type Bound, type Call, type TimeoutWhat, UNBOUNDED, startCall, timeoutError } from './bound.js';
import { SecretsError, toSecretsError } from './errors.js';
import { FetchCache, storesBy } from './fetch-cache.js';
import { type Transport, extensionGet, unreachable, usesExtension } from './extension.js';

/**
 * SSM Parameter Store: parameters by name (GetParameters, 10 names per call, always WithDecryption) and by path
 * (GetParametersByPath, every page), cached and bounded like Secrets Manager values (FetchCache). The SDK client is
 * imported on first use (a dynamic import of the optional peer), so a function that reads only Secrets Manager never
 * loads it; the transport can also be the Parameters and Secrets Lambda Extension (extension.ts).
 */

/** One parameter as SSM returned it (a SecureString decrypted; registered for masking on arrival). */
export interface RawParameter {
  name: string;
  arn: string | undefined;
  type: string;
  value: string;
  version: number | undefined;
  fetchedAt: number;
}

/** The parameters under a path, in the order SSM returned them. */
export interface RawParameterPath {
  path: string;
  parameters: RawParameter[];
  fetchedAt: number;
}

export type RawParam = RawParameter | RawParameterPath;

/** A parameter by name, or every parameter under a path. */
export type ParameterRequest = { name: string; path?: undefined; recursive?: undefined } | { path: string; recursive: boolean; name?: undefined };

/** How parameters are fetched: the SDK, or the Parameters and Secrets Lambda Extension. */
export interface SsmTransport {
  /** At most 10 names, decrypted; the names SSM does not know in `invalid`. */
  getParameters(names: string[], signal: AbortSignal): Promise<{ parameters: RawParameter[]; invalid: string[] }>;
  /** Every parameter under the path (every page), decrypted. */
  getParametersByPath(path: string, recursive: boolean, signal: AbortSignal): Promise<RawParameter[]>;
}

export const SSM: TimeoutWhat = { service: 'SSM Parameter Store', kind: 'parameter' };
const GET_PARAMETERS_LIMIT = 10;

export const parameterKey = (r: ParameterRequest): string => (r.path !== undefined ? `path\u0000${r.path}\u0000${r.recursive}` : `name\u0000${r.name}`);

/** A parameter as received: a SecureString's whole value is registered for masking before anyone reads it. */
export const receivedParameter = (p: { Name?: string; ARN?: string; Type?: string; Value?: string; Version?: number }): RawParameter => {
  const value = p.Value ?? '';
  if (p.Type === 'SecureString' && classifySecret(value) === 'text') registerSecret(value);
  return { name: p.Name ?? '', arn: p.ARN, type: p.Type ?? 'String', value, version: p.Version, fetchedAt: Date.now() };
};

type SsmModule = typeof import('@aws-sdk/client-ssm');
let ssmModule: Promise<SsmModule> | undefined;

/** `@aws-sdk/client-ssm`, imported on first use; a clear error when it is not installed. */
const loadSsmModule = (id: string): Promise<SsmModule> =>
  (ssmModule ??= import('@aws-sdk/client-ssm')).catch((e: unknown) => {
    ssmModule = undefined;
    throw new SecretsError(
      id,
      'MissingDependency',
      '@aws-sdk/client-ssm is not installed: npm install @aws-sdk/client-ssm (an optional peer dependency of @lambdaware/secrets)',
      {
        kind: 'parameter',
        cause: e,
      },
    );
  });

/** Starts importing the SSM SDK client (at creation, overlapping init); its failure is told by the first fetch. */
export const preloadSsmModule = (): void => {
  loadSsmModule('').catch(() => undefined);
};

const defaultSsmClients = new Map<string, SSMClient>();

/** The SDK transport: the given client, or one created on first use with the SDK's default configuration. */
export const sdkSsmTransport = (client?: SsmClientLike): SsmTransport => {
  // typed structurally in the options (the published .d.ts never needs the optional peer); it is an SSMClient
  let c = client as SSMClient | undefined;
  const clientOf = async (id: string): Promise<{ m: SsmModule; client: SSMClient }> => {
    const m = await loadSsmModule(id);
    if (c === undefined) {
      const env = process.env;
      const key = [env.AWS_REGION, env.AWS_DEFAULT_REGION, env.AWS_ENDPOINT_URL_SSM, env.AWS_ENDPOINT_URL].join('\u0000');
      c = defaultSsmClients.get(key) ?? new m.SSMClient({});
      defaultSsmClients.set(key, c);
    }
    return { m, client: c };
  };
  return {
    async getParameters(names, signal) {
      const { m, client: cl } = await clientOf(names[0]!);
      const out = await cl.send(new m.GetParametersCommand({ Names: names, WithDecryption: true }), { abortSignal: signal });
      return { parameters: (out.Parameters ?? []).map(receivedParameter), invalid: out.InvalidParameters ?? [] };
    },
    async getParametersByPath(path, recursive, signal) {
      const { m, client: cl } = await clientOf(path);
      const all: RawParameter[] = [];
      let token: string | undefined;
      do {
        const out = await cl.send(
          new m.GetParametersByPathCommand({ Path: path, Recursive: recursive, WithDecryption: true, MaxResults: 10, NextToken: token }),
          { abortSignal: signal },
        );
        for (const p of out.Parameters ?? []) all.push(receivedParameter(p));
        token = out.NextToken;
      } while (token !== undefined && token !== '');
      return all;
    },
  };
};

/**
 * Through the Parameters and Secrets extension: one loopback GET per name (it has no batch), in parallel; a path
 * through the SDK (it has no path API). With 'auto', a call the extension refuses at the connection uses the SDK.
 */
export const extensionSsmTransport = (sdk: SsmTransport, transport: Transport): SsmTransport => ({
  async getParameters(names, signal) {
    if (!usesExtension(transport)) return sdk.getParameters(names, signal);
    const got = await Promise.allSettled(
      names.map((name) => extensionGet(`/systemsmanager/parameters/get?${new URLSearchParams({ name, withDecryption: 'true' }).toString()}`, signal)),
    );
    if (transport === 'auto' && !signal.aborted && got.some((g) => g.status === 'rejected' && unreachable(g.reason))) return sdk.getParameters(names, signal);
    const parameters: RawParameter[] = [];
    const invalid: string[] = [];
    for (const [i, g] of got.entries()) {
      if (g.status === 'fulfilled') parameters.push(receivedParameter((g.value as { Parameter?: Record<string, never> }).Parameter ?? { Name: names[i] }));
      else if ((g.reason as { name?: unknown }).name === 'ParameterNotFound') invalid.push(names[i]!);
      else throw g.reason;
    }
    return { parameters, invalid };
  },
  getParametersByPath: (path, recursive, signal) => sdk.getParametersByPath(path, recursive, signal),
});

/** Errors of a whole GetParameters call after which one call per name tells which name it is about. */
const PER_NAME = new Set(['DecryptionFailure', 'AccessDenied', 'InvalidRequest']);

export class ParameterStore extends FetchCache<ParameterRequest, RawParam> {
  constructor(readonly transport: SsmTransport) {
    super(SSM);
  }

  protected keyOf(r: ParameterRequest): string {
    return parameterKey(r);
  }

  protected idOf(r: ParameterRequest): string {
    return r.path ?? r.name;
  }

  /** One promise per request (same order): cached, in flight, or fetched now (names 10 per call, paths paged). */
  load(requests: ParameterRequest[], ttlMs: number, bound: Bound = UNBOUNDED): Promise<RawParam>[] {
    return this.loadWith(requests, ttlMs, bound, (due, now) => {
      const names = due.filter((r) => r.name !== undefined);
      for (let i = 0; i < names.length; i += GET_PARAMETERS_LIMIT) {
        const chunk = names.slice(i, i + GET_PARAMETERS_LIMIT);
        const call = startCall(bound, now);
        const results = this.getNames(
          chunk.map((r) => r.name!),
          call,
        );
        chunk.forEach((r, j) => this.track(r, results[j]!, call));
      }
      for (const r of due) {
        if (r.path === undefined) continue;
        const call = startCall(bound, now);
        this.track(r, this.getPath(r.path, r.recursive, call), call);
      }
    });
  }

  private failure(id: string, call: Call, e: unknown): SecretsError {
    if (call.gaveUp) return timeoutError(id, call.bound, call.startedAt, e, false, call.startedAt, SSM);
    return toSecretsError(id, e, 'parameter');
  }

  private async getPath(path: string, recursive: boolean, call: Call): Promise<RawParameterPath> {
    try {
      const parameters = await this.transport.getParametersByPath(path, recursive, call.controller.signal);
      return { path, parameters, fetchedAt: Date.now() };
    } catch (e) {
      throw this.failure(path, call, e);
    }
  }

  private getNames(names: string[], call: Call): Promise<RawParameter>[] {
    const batch = this.transport.getParameters(names, call.controller.signal).then(
      (out) => out,
      (e: unknown) => this.failure(names.join(', '), call, e),
    );
    return names.map(async (name) => {
      const out = await batch;
      if (out instanceof SecretsError) {
        // one SecureString's KMS key (or one name's permission) failed the call: ask for each name alone, so the
        // others still arrive and the error names the parameter it is about
        if (names.length > 1 && !call.gaveUp && PER_NAME.has(out.code)) return this.getNames([name], call)[0]!;
        throw out.code === 'Timeout' ? out : this.failure(name, call, out.cause);
      }
      // asked by name, by ARN, or with a version or label selector (`/app/x:3`): SSM answers with the plain name
      const found = out.parameters.find((p) => p.name === name || p.arn === name) ?? out.parameters.find((p) => name.startsWith(`${p.name}:`));
      if (found !== undefined) return found;
      throw new SecretsError(name, 'NotFound', `not found (SSM listed it in GetParameters' InvalidParameters)`, {
        kind: 'parameter',
        awsCode: 'ParameterNotFound',
      });
    });
  }
}

const stores = storesBy<ParameterStore>();

/** The store of a client and transport (shared by every middleware using them). */
export const parameterStoreFor = (client: SsmClientLike | undefined, transport: Transport): ParameterStore =>
  stores(client ?? DEFAULT_CLIENT, transport, () => {
    const sdk = sdkSsmTransport(client);
    return new ParameterStore(transport === 'sdk' ? sdk : extensionSsmTransport(sdk, transport));
  });

/** The key of the stores using the default SSM client. */
const DEFAULT_CLIENT = {};
