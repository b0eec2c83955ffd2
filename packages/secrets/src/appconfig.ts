import type { AppConfigDataClient } from '@aws-sdk/client-appconfigdata';
import { getLogSink } from '@lambdaware/shared';
import type { AppConfigDataClientLike } from './clients.js';
import { type Bound, type Call, type TimeoutWhat, settle, startCall, timeoutError, waitFor } from './bound.js';
import { SecretsError, toSecretsError } from './errors.js';
import { type MaskSpec, registerValue } from './parse.js';

/**
 * AWS AppConfig through AppConfig Data: one session per profile (StartConfigurationSession once, then
 * GetLatestConfiguration with the token each answer gives), polled on the interval the service returns
 * (`NextPollIntervalInSeconds`); an empty answer means "unchanged". The first value is waited for within the
 * invocation's bound; after that a due poll runs while the invocation is served the value it has (a slow or failed
 * poll never blocks or fails an invocation: a failure is one warn line, and the session starts again at the next
 * poll). The AppConfig Data SDK client (an optional peer) is imported on first use.
 */

export interface ConfigRequest {
  application: string;
  environment: string;
  profile: string;
  /** RequiredMinimumPollIntervalInSeconds (>= 15), when the spec asks for a longer interval. */
  minPollSeconds?: number | undefined;
}

export interface RawConfig {
  content: Uint8Array;
  contentType: string;
  version: string | undefined;
  fetchedAt: number;
}

export const APPCONFIG: TimeoutWhat = { service: 'AppConfig', kind: 'configuration' };
/** After a failed poll, the next one is this much later (AppConfig's own minimum poll interval). */
const RETRY_AFTER_MS = 15_000;

export const configId = (r: ConfigRequest): string => `${r.application}/${r.environment}/${r.profile}`;

interface Session {
  /** Bumped when a poll is abandoned: the abandoned poll's answer then changes nothing. */
  generation: number;
  raw?: RawConfig;
  token?: string;
  nextPollAt: number;
  inflight?: Promise<RawConfig>;
  call?: Call;
}

type Module = typeof import('@aws-sdk/client-appconfigdata');
let appConfigModule: Promise<Module> | undefined;

const loadModule = (id: string): Promise<Module> =>
  (appConfigModule ??= import('@aws-sdk/client-appconfigdata')).catch((e: unknown) => {
    appConfigModule = undefined;
    throw new SecretsError(
      id,
      'MissingDependency',
      '@aws-sdk/client-appconfigdata is not installed: npm install @aws-sdk/client-appconfigdata (an optional peer dependency of @lambdaware/secrets)',
      {
        kind: 'configuration',
        cause: e,
      },
    );
  });

export class AppConfigStore {
  private readonly sessions = new Map<string, Session>();
  private client: AppConfigDataClient | undefined;

  constructor(client?: AppConfigDataClientLike) {
    // typed structurally in the options (the published .d.ts never needs the optional peer); it is an AppConfigDataClient
    this.client = client as AppConfigDataClient | undefined;
  }

  private session(key: string): Session {
    let s = this.sessions.get(key);
    if (s === undefined) {
      s = { nextPollAt: 0, generation: 0 };
      this.sessions.set(key, s);
    }
    return s;
  }

  /** The value while no poll is due (the warm path); undefined when a poll is due or there is none yet. */
  fresh(key: string, _ttlMs: number, now = Date.now()): RawConfig | undefined {
    const s = this.sessions.get(key);
    return s?.raw !== undefined && now < s.nextPollAt ? s.raw : undefined;
  }

  /** One promise per request: the value it has (a due poll started meanwhile), or the first one, within `bound`. */
  load(requests: ConfigRequest[], _ttlMs: number, bound: Bound): Promise<RawConfig>[] {
    const now = Date.now();
    return requests.map((r) => {
      const id = configId(r);
      const s = this.session(id);
      if (s.raw !== undefined && now < s.nextPollAt) return Promise.resolve(s.raw);
      if (s.inflight === undefined && bound.deadline > now) this.poll(r, s, startCall(bound, now));
      if (s.raw !== undefined) return Promise.resolve(s.raw);
      if (s.inflight === undefined) return Promise.reject(timeoutError(id, bound, now, undefined, true, now, APPCONFIG));
      const inflight = s.inflight;
      return waitFor(inflight, id, bound, now, () => this.abandon([r]), s.call?.startedAt, APPCONFIG);
    });
  }

  /** A wait on these reached its deadline: the next load polls again, in a new session (a token is good once). */
  abandon(requests: ConfigRequest[]): void {
    for (const r of requests) {
      const s = this.sessions.get(configId(r));
      if (s === undefined || s.inflight === undefined) continue;
      s.generation++;
      s.inflight = undefined;
      s.call = undefined;
      s.token = undefined;
    }
  }

  private poll(r: ConfigRequest, s: Session, call: Call): void {
    const id = configId(r);
    const generation = s.generation;
    const run = async (): Promise<RawConfig> => {
      const m = await loadModule(id);
      this.client ??= new m.AppConfigDataClient({});
      const opts = { abortSignal: call.controller.signal };
      let token = s.token;
      if (token === undefined) {
        const started = await this.client.send(
          new m.StartConfigurationSessionCommand({
            ApplicationIdentifier: r.application,
            EnvironmentIdentifier: r.environment,
            ConfigurationProfileIdentifier: r.profile,
            RequiredMinimumPollIntervalInSeconds: r.minPollSeconds,
          }),
          opts,
        );
        token = started.InitialConfigurationToken;
      }
      const out = await this.client.send(new m.GetLatestConfigurationCommand({ ConfigurationToken: token }), opts);
      if (s.generation !== generation) throw new Error('abandoned');
      s.token = out.NextPollConfigurationToken;
      s.nextPollAt = Date.now() + (out.NextPollIntervalInSeconds ?? 60) * 1000;
      // an empty answer (the SDK gives null or an empty array): unchanged since the last one this session
      // received (or an empty profile, the first time)
      const content = out.Configuration as Uint8Array | null | undefined;
      if (content != null && content.length > 0) {
        s.raw = { content, contentType: out.ContentType ?? 'application/octet-stream', version: out.VersionLabel, fetchedAt: Date.now() };
      } else if (s.raw === undefined) {
        s.raw = { content: new Uint8Array(), contentType: out.ContentType ?? 'text/plain', version: out.VersionLabel, fetchedAt: Date.now() };
      }
      return s.raw;
    };
    const promise = run().catch((e: unknown) => {
      // the token's fate is unknown: the next poll starts a new session
      if (s.generation === generation) s.token = undefined;
      const error = call.gaveUp ? timeoutError(id, call.bound, call.startedAt, e, false, call.startedAt, APPCONFIG) : toSecretsError(id, e, 'configuration');
      if (s.raw !== undefined && s.generation === generation) {
        s.nextPollAt = Date.now() + RETRY_AFTER_MS;
        getLogSink().log('warn', `secrets: ${error.message}; serving the configuration received ${Date.now() - s.raw.fetchedAt} ms ago`, {
          secretId: id,
          secretErrorCode: error.code,
        });
      }
      throw error;
    });
    s.inflight = promise;
    s.call = call;
    const done = (): void => {
      if (s.inflight === promise) {
        s.inflight = undefined;
        s.call = undefined;
      }
      settle(call);
    };
    promise.then(done, done);
  }
}

const stores = new WeakMap<object, AppConfigStore>();
const DEFAULT_CLIENT = {};

/** The store of a client (the default one when undefined), shared by every middleware using it. */
export const appConfigStoreFor = (client: AppConfigDataClientLike | undefined): AppConfigStore => {
  const key = client ?? DEFAULT_CLIENT;
  let store = stores.get(key);
  if (store === undefined) {
    store = new AppConfigStore(client);
    stores.set(key, store);
  }
  return store;
};

/**
 * How a configuration is read: `'json'` (JSON.parse), `'text'` (UTF-8 text). Default: JSON when the profile's
 * content type is JSON (feature flags are), else text. A YAML profile is read as text: no YAML parser is bundled,
 * the schema parses it (e.g. `z.string().transform((s) => YAML.parse(s))` with the `yaml` package).
 */
export type ConfigParse = 'json' | 'text';

const utf8 = new TextDecoder('utf-8');

export const decodeConfig = (id: string, raw: RawConfig, mode: ConfigParse | undefined): unknown => {
  const text = utf8.decode(raw.content);
  if (mode === 'text' || (mode === undefined && !/json/i.test(raw.contentType))) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SecretsError(
      id,
      'NotJson',
      `the configuration (${raw.contentType}${raw.version !== undefined ? `, version ${raw.version}` : ''}) is not valid JSON (use parse: 'text')`,
      {
        kind: 'configuration',
      },
    );
  }
};

/** A configuration is not masked, unless its spec says `secret: true` (then as a secret, with redact/notSecret). */
export const registerConfig = (id: string, key: string, value: unknown, spec: MaskSpec & { secret?: boolean }): void => {
  if (spec.secret === true) registerValue(id, key, value, spec);
};
