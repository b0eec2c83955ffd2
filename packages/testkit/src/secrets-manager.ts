import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { applyEnv } from './env.js';

/**
 * A local AWS Secrets Manager endpoint for tests: the JSON 1.1 protocol on 127.0.0.1 (an ephemeral port), enough of
 * `GetSecretValue` and `BatchGetSecretValue` for the real AWS SDK v3 and the AWS CLI, with scripted faults.
 * Point the SDK to it with `AWS_ENDPOINT_URL_SECRETS_MANAGER` (see `env`) or a client's `endpoint` option.
 */

export type SecretsManagerOperation = 'GetSecretValue' | 'BatchGetSecretValue';

/** One request the endpoint received (faulted ones included). */
export interface SecretsManagerCall {
  operation: string;
  /** The parsed JSON body. */
  body: Record<string, unknown>;
  headers: IncomingMessage['headers'];
  /** Date.now() when the request arrived. */
  at: number;
  /** What the endpoint did: 'ok', an error type, 'drop' or 'delay+...'. */
  outcome: string;
}

/**
 * A scripted fault. The first rule that matches a request (operation, secret id) and has `times` left applies.
 * - `status` and/or `error`: an error answer (`{"__type": error, "message"}`); `{status: 500}` alone is an
 *   `InternalServiceError`; `error` alone takes the status of its kind (429 ThrottlingException, 403
 *   AccessDeniedException, 404 ResourceNotFoundException, 400 otherwise).
 * - `delayMs`: the answer (normal or error) is sent that late.
 * - `drop`: the connection is destroyed without an answer.
 * For `BatchGetSecretValue`, a rule with a `secretId` and an `error` becomes that secret's entry in `Errors`.
 */
export interface FaultSpec {
  status?: number;
  error?: string;
  message?: string;
  delayMs?: number;
  drop?: boolean;
  /** How many matching requests it applies to (default 1; Infinity for all). */
  times?: number;
  operation?: SecretsManagerOperation;
  /** Only requests for this secret (name or ARN as the client sent it). */
  secretId?: string;
}

export interface SetSecretOptions {
  /** The full ARN to answer with (default `arn:aws:secretsmanager:<region>:123456789012:secret:<name>-XXXXXX`). */
  arn?: string;
  /** Store it as SecretBinary (a string value is stored as its UTF-8 bytes). */
  binary?: boolean;
  /** The version id of the new version (default a random UUID). */
  versionId?: string;
}

export interface LocalSecretsManager {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** Environment variables that point the SDK (and child processes) here, with dummy credentials. */
  env: Record<string, string>;
  /** Every request received, in order. */
  calls: SecretsManagerCall[];
  /** The calls of one operation. */
  callsOf(operation: SecretsManagerOperation): SecretsManagerCall[];
  /**
   * Creates the secret or puts a new version of it (the old AWSCURRENT becomes AWSPREVIOUS). An object value is
   * stored as its JSON. Returns the secret's ARN.
   */
  setSecret(name: string, value: string | Uint8Array | object, options?: SetSecretOptions): string;
  deleteSecret(name: string): void;
  /** Replaces the fault script (a rule or a list of rules); `setFault()` clears it. */
  setFault(faults?: FaultSpec | FaultSpec[]): void;
  /** Appends rules to the fault script. */
  addFault(...faults: FaultSpec[]): void;
  close(): Promise<void>;
}

export interface StartSecretsManagerOptions {
  /** Secrets to create at start: name to value (as for setSecret). */
  secrets?: Record<string, string | Uint8Array | object>;
  /** The region in generated ARNs (default us-east-1). */
  region?: string;
  /** Fault script at start. */
  faults?: FaultSpec[];
  /**
   * Also set `env` on process.env now (the endpoint, dummy credentials, the region), and put the previous values
   * back on close(), so the real AWS SDK in the code under test reaches this endpoint without any other change
   * (default false).
   */
  setEnv?: boolean;
}

interface Version {
  versionId: string;
  string?: string;
  binary?: Uint8Array;
  stages: string[];
  created: number;
}

interface StoredSecret {
  name: string;
  arn: string;
  versions: Version[];
}

const ACCOUNT = '123456789012';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
const DEFAULT_STATUS: Record<string, number> = {
  ThrottlingException: 429,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  InternalServiceError: 500,
};

export const startSecretsManager = async (options: StartSecretsManagerOptions = {}): Promise<LocalSecretsManager> => {
  const region = options.region ?? 'us-east-1';
  const secrets = new Map<string, StoredSecret>();
  const calls: SecretsManagerCall[] = [];
  let script: { spec: FaultSpec; left: number }[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();

  const find = (id: unknown): StoredSecret | undefined => {
    if (typeof id !== 'string') return undefined;
    const byName = secrets.get(id);
    if (byName !== undefined) return byName;
    for (const s of secrets.values()) {
      // full ARN, or a partial ARN (without the 6-character suffix)
      if (s.arn === id || (id.startsWith('arn:') && s.arn.startsWith(`${id}-`) && s.arn.length === id.length + 7)) return s;
    }
    return undefined;
  };

  const setSecret = (name: string, value: string | Uint8Array | object, opts: SetSecretOptions = {}): string => {
    let secret = secrets.get(name);
    if (secret === undefined) {
      const suffix = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 6);
      secret = { name, arn: opts.arn ?? `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${name}-${suffix}`, versions: [] };
      secrets.set(name, secret);
    } else if (opts.arn !== undefined) {
      secret.arn = opts.arn;
    }
    for (const v of secret.versions) {
      v.stages = v.stages.includes('AWSCURRENT') ? ['AWSPREVIOUS'] : v.stages.filter((s) => s !== 'AWSPREVIOUS');
    }
    const version: Version = { versionId: opts.versionId ?? randomUUID(), stages: ['AWSCURRENT'], created: Date.now() / 1000 };
    if (value instanceof Uint8Array) version.binary = new Uint8Array(value);
    else {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      if (opts.binary === true) version.binary = new Uint8Array(Buffer.from(text, 'utf8'));
      else version.string = text;
    }
    secret.versions.push(version);
    return secret.arn;
  };

  for (const [name, value] of Object.entries(options.secrets ?? {})) setSecret(name, value);

  const setFault = (faults?: FaultSpec | FaultSpec[]): void => {
    script = [];
    if (faults !== undefined) addFault(...(Array.isArray(faults) ? faults : [faults]));
  };
  const addFault = (...faults: FaultSpec[]): void => {
    for (const spec of faults) script.push({ spec, left: spec.times ?? 1 });
  };
  setFault(options.faults);

  /** The first rule with `times` left matching the request; consumes one. */
  const takeFault = (operation: string, secretId: unknown, perSecret: boolean): FaultSpec | undefined => {
    for (const rule of script) {
      if (rule.left <= 0) continue;
      const { spec } = rule;
      if (spec.operation !== undefined && spec.operation !== operation) continue;
      if (perSecret !== (spec.secretId !== undefined && operation === 'BatchGetSecretValue')) continue;
      if (spec.secretId !== undefined && spec.secretId !== secretId) continue;
      rule.left -= 1;
      return spec;
    }
    return undefined;
  };

  const valueEntry = (secret: StoredSecret, version: Version): Record<string, unknown> => ({
    ARN: secret.arn,
    Name: secret.name,
    VersionId: version.versionId,
    ...(version.binary !== undefined
      ? { SecretBinary: Buffer.from(version.binary).toString('base64') }
      : { SecretString: version.string }),
    VersionStages: [...version.stages],
    CreatedDate: version.created,
  });

  type Answer = { status: number; body: unknown; outcome: string };
  const error = (status: number, type: string, message: string): Answer => ({
    status,
    body: { __type: type, message },
    outcome: type,
  });

  const getSecretValue = (body: Record<string, unknown>): Answer => {
    const { SecretId: id, VersionId: versionId, VersionStage: stage } = body;
    if (typeof id !== 'string' || id.length === 0) return error(400, 'ValidationException', 'SecretId is required');
    const secret = find(id);
    if (secret === undefined) {
      return error(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    }
    const version = secret.versions.find((v) =>
      versionId !== undefined ? v.versionId === versionId : v.stages.includes(typeof stage === 'string' ? stage : 'AWSCURRENT'),
    );
    if (version === undefined || (versionId !== undefined && stage !== undefined && !version.stages.includes(String(stage)))) {
      return error(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret value for staging label or version.");
    }
    return { status: 200, body: valueEntry(secret, version), outcome: 'ok' };
  };

  const batchGetSecretValue = (body: Record<string, unknown>): Answer => {
    const list = body.SecretIdList;
    if (!Array.isArray(list) || list.length === 0) {
      return error(400, 'ValidationException', 'SecretIdList is required (Filters are not supported by this endpoint)');
    }
    if (list.length > 20) return error(400, 'ValidationException', 'SecretIdList must have at most 20 items');
    const values: unknown[] = [];
    const errors: unknown[] = [];
    for (const id of list) {
      const fault = takeFault('BatchGetSecretValue', id, true);
      if (fault !== undefined) {
        errors.push({ SecretId: id, ErrorCode: fault.error ?? 'InternalServiceError', Message: fault.message ?? 'injected fault' });
        continue;
      }
      const secret = find(id);
      const version = secret?.versions.find((v) => v.stages.includes('AWSCURRENT'));
      if (secret === undefined || version === undefined) {
        errors.push({ SecretId: id, ErrorCode: 'ResourceNotFoundException', Message: "Secrets Manager can't find the specified secret." });
      } else {
        values.push(valueEntry(secret, version));
      }
    }
    return { status: 200, body: { SecretValues: values, Errors: errors }, outcome: 'ok' };
  };

  const send = (res: ServerResponse, answer: Answer): void => {
    if (res.destroyed || res.writableEnded) return;
    const payload = JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      'content-type': CONTENT_TYPE,
      'content-length': Buffer.byteLength(payload),
      'x-amzn-requestid': randomUUID(),
    });
    res.end(payload);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('secretsmanager.') ? target.slice('secretsmanager.'.length) : target;
    let body: Record<string, unknown> = {};
    let answer: Answer | undefined;
    try {
      const parsed: unknown = raw.length === 0 ? {} : JSON.parse(raw);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      answer = error(400, 'SerializationException', 'The request body is not a JSON object');
    }
    const call: SecretsManagerCall = { operation, body, headers: req.headers, at: Date.now(), outcome: 'ok' };
    calls.push(call);
    if (req.method !== 'POST') answer ??= error(405, 'UnknownOperationException', `Method ${req.method} is not supported`);
    const fault = answer === undefined ? takeFault(operation, body.SecretId, false) : undefined;
    if (fault?.drop === true) {
      call.outcome = 'drop';
      req.socket.destroy();
      return;
    }
    if (fault !== undefined && (fault.status !== undefined || fault.error !== undefined)) {
      const type = fault.error ?? (fault.status !== undefined && fault.status < 500 ? 'ValidationException' : 'InternalServiceError');
      answer = error(fault.status ?? DEFAULT_STATUS[type] ?? 400, type, fault.message ?? 'injected fault');
    }
    if (answer === undefined) {
      if (operation === 'GetSecretValue') answer = getSecretValue(body);
      else if (operation === 'BatchGetSecretValue') answer = batchGetSecretValue(body);
      else answer = error(400, 'UnknownOperationException', `Unknown operation ${target}`);
    }
    call.outcome = answer.outcome;
    const delay = fault?.delayMs ?? 0;
    if (delay > 0) {
      call.outcome = `delay+${call.outcome}`;
      const timer = setTimeout(() => {
        timers.delete(timer);
        send(res, answer);
      }, delay);
      timers.add(timer);
    } else {
      send(res, answer);
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;

  const env = {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
    AWS_SECRET_ACCESS_KEY: 'local-test-secret-key',
    AWS_REGION: region,
  };
  const restoreEnv = options.setEnv === true ? applyEnv(env) : () => {};

  return {
    endpoint,
    env,
    calls,
    callsOf: (operation) => calls.filter((c) => c.operation === operation),
    setSecret,
    deleteSecret: (name) => {
      const secret = find(name);
      if (secret !== undefined) secrets.delete(secret.name);
    },
    setFault,
    addFault,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      restoreEnv();
    },
  };
};
