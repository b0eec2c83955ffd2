import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { applyEnv } from './env.js';
import { type Answer, FaultScript, SecretStore, errorAnswer } from './secrets-store.js';

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
  /**
   * The staging label of the new version (default AWSCURRENT, which moves the old one to AWSPREVIOUS). `AWSPENDING`
   * puts a pending version, as a rotation's createSecret step does, leaving AWSCURRENT where it is.
   */
  stage?: 'AWSCURRENT' | 'AWSPENDING';
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

const CONTENT_TYPE = 'application/x-amz-json-1.1';
const DEFAULT_STATUS: Record<string, number> = {
  ThrottlingException: 429,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  InternalServiceError: 500,
};

/** The endpoint's state, shared by its request handler and its methods. */
interface Endpoint {
  store: SecretStore;
  faults: FaultScript;
  calls: SecretsManagerCall[];
  timers: Set<NodeJS.Timeout>;
}

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

/** The request's JSON body, or the SerializationException answer. */
const parseBody = (raw: string): { body: Record<string, unknown>; answer?: Answer } => {
  try {
    const parsed: unknown = raw.length === 0 ? {} : JSON.parse(raw);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return { body: parsed as Record<string, unknown> };
  } catch {
    return { body: {}, answer: errorAnswer(400, 'SerializationException', 'The request body is not a JSON object') };
  }
};

/** The answer of a scripted fault with a status or an error, else undefined. */
const faultAnswer = (fault: FaultSpec | undefined): Answer | undefined => {
  if (fault === undefined || (fault.status === undefined && fault.error === undefined)) return undefined;
  const type = fault.error ?? (fault.status !== undefined && fault.status < 500 ? 'ValidationException' : 'InternalServiceError');
  return errorAnswer(fault.status ?? DEFAULT_STATUS[type] ?? 400, type, fault.message ?? 'injected fault');
};

const handle = (endpoint: Endpoint, req: IncomingMessage, res: ServerResponse, raw: string): void => {
  const target = String(req.headers['x-amz-target'] ?? '');
  const operation = target.startsWith('secretsmanager.') ? target.slice('secretsmanager.'.length) : target;
  const parsed = parseBody(raw);
  const { body } = parsed;
  let answer = parsed.answer;
  const call: SecretsManagerCall = { operation, body, headers: req.headers, at: Date.now(), outcome: 'ok' };
  endpoint.calls.push(call);
  if (req.method !== 'POST') answer ??= errorAnswer(405, 'UnknownOperationException', `Method ${req.method} is not supported`);
  const fault = answer === undefined ? endpoint.faults.take(operation, body.SecretId, false) : undefined;
  if (fault?.drop === true) {
    call.outcome = 'drop';
    req.socket.destroy();
    return;
  }
  answer = faultAnswer(fault) ?? answer;
  if (answer === undefined) {
    if (operation === 'GetSecretValue') answer = endpoint.store.getSecretValue(body);
    else if (operation === 'BatchGetSecretValue') answer = endpoint.store.batchGetSecretValue(body);
    else answer = errorAnswer(400, 'UnknownOperationException', `Unknown operation ${target}`);
  }
  call.outcome = answer.outcome;
  const delay = fault?.delayMs ?? 0;
  if (delay <= 0) return send(res, answer);
  call.outcome = `delay+${call.outcome}`;
  const timer = setTimeout(() => {
    endpoint.timers.delete(timer);
    send(res, answer);
  }, delay);
  endpoint.timers.add(timer);
};

export const startSecretsManager = async (options: StartSecretsManagerOptions = {}): Promise<LocalSecretsManager> => {
  const region = options.region ?? 'us-east-1';
  const faults = new FaultScript();
  const endpoint: Endpoint = { store: new SecretStore(region, faults), faults, calls: [], timers: new Set() };
  for (const [name, value] of Object.entries(options.secrets ?? {})) endpoint.store.set(name, value);
  faults.set(options.faults);

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(endpoint, req, res, Buffer.concat(chunks).toString('utf8')));
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
  const url = `http://127.0.0.1:${port}`;

  const env = {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: url,
    AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
    AWS_SECRET_ACCESS_KEY: 'local-test-secret-key',
    AWS_REGION: region,
  };
  const restoreEnv = options.setEnv === true ? applyEnv(env) : () => {};

  return {
    endpoint: url,
    env,
    calls: endpoint.calls,
    callsOf: (operation) => endpoint.calls.filter((c) => c.operation === operation),
    setSecret: (name, value, opts) => endpoint.store.set(name, value, opts),
    deleteSecret: (name) => endpoint.store.delete(name),
    setFault: (f) => faults.set(f),
    addFault: (...f) => faults.add(...f),
    close: async () => {
      for (const t of endpoint.timers) clearTimeout(t);
      endpoint.timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      restoreEnv();
    },
  };
};
