import type { IncomingMessage, ServerResponse } from 'node:http';
import { FaultRules, type HttpAnswer, type HttpEndpoint, endCall, startLocalAwsEndpoint } from './http-endpoint.js';

/**
 * A local AWS Systems Manager Parameter Store endpoint for tests: the JSON 1.1 protocol (`AmazonSSM.*`) on
 * 127.0.0.1, enough of `GetParameter`, `GetParameters` (10 names at most, unknown ones in `InvalidParameters`) and
 * `GetParametersByPath` (recursive or one level, paged by `MaxResults` <= 10 and `NextToken`) for the real
 * `@aws-sdk/client-ssm`, with scripted faults. A SecureString is answered decrypted only with `WithDecryption`.
 */

export type SsmOperation = 'GetParameter' | 'GetParameters' | 'GetParametersByPath';
export type ParameterType = 'String' | 'StringList' | 'SecureString';

/**
 * A scripted fault; the first rule that matches (operation, parameter name) and has `times` left applies.
 * - `error` (+ `status`, `message`): an error answer; `error: 'ParameterNotFound'` with a `name` on GetParameters
 *   puts that name in `InvalidParameters` instead, as SSM does.
 * - `kms: true`: KMS cannot decrypt (an `InvalidKeyId` answer naming the key), for a SecureString asked decrypted.
 * - `delayMs`: answered that late (a hang when longer than the test); `drop`: the connection is destroyed.
 */
export interface SsmFault {
  error?: string;
  status?: number;
  message?: string;
  kms?: boolean;
  delayMs?: number;
  drop?: boolean;
  /** Default 1; Infinity for all. */
  times?: number;
  operation?: SsmOperation;
  /** Only requests naming this parameter (or, for GetParametersByPath, this path). */
  name?: string;
}

export interface SsmCall {
  operation: string;
  body: Record<string, unknown>;
  headers: IncomingMessage['headers'];
  at: number;
  /** 'ok', an error type, 'drop' or 'delay+...'. */
  outcome: string;
}

export interface LocalSsm {
  endpoint: string;
  /** AWS_ENDPOINT_URL_SSM, dummy credentials and the region. */
  env: Record<string, string>;
  calls: SsmCall[];
  callsOf(operation: SsmOperation): SsmCall[];
  /** Creates the parameter or a new version of it. A string[] is stored as a StringList. Returns its ARN. */
  setParameter(name: string, value: string | string[], type?: ParameterType): string;
  deleteParameter(name: string): void;
  setFault(faults?: SsmFault | SsmFault[]): void;
  addFault(...faults: SsmFault[]): void;
  close(): Promise<void>;
}

export interface StartSsmOptions {
  /** Parameters at start: name to value (a string[] is a StringList), or `{ value, type }`. */
  parameters?: Record<string, string | string[] | { value: string | string[]; type: ParameterType }>;
  region?: string;
  faults?: SsmFault[];
  /** Also set `env` on process.env now, and put the previous values back on close() (default false). */
  setEnv?: boolean;
}

interface Stored {
  name: string;
  type: ParameterType;
  value: string;
  version: number;
  modified: number;
}

const ACCOUNT = '123456789012';
const DEFAULT_STATUS: Record<string, number> = { AccessDeniedException: 400, ThrottlingException: 400, InternalServerError: 500 };

const error = (type: string, message: string, status = DEFAULT_STATUS[type] ?? 400): HttpAnswer => ({
  status,
  headers: { 'content-type': 'application/x-amz-json-1.1' },
  body: { __type: type, message },
});

/** The fault script: a rule matches an operation and, when it names one, a parameter the request is about. */
class Faults extends FaultRules<SsmFault> {
  takeFor(operation: string, names: string[], test: (spec: SsmFault) => boolean = () => true): SsmFault | undefined {
    return this.take((f) => (f.operation === undefined || f.operation === operation) && (f.name === undefined || names.includes(f.name)) && test(f));
  }
}

/** The local SSM's state and the answers of its three operations. */
class ParameterTable {
  readonly params = new Map<string, Stored>();
  constructor(private readonly region: string) {}

  /** By name, or by ARN. */
  find(name: string): Stored | undefined {
    return this.params.get(name) ?? [...this.params.values()].find((p) => this.arn(p.name) === name);
  }

  arn(name: string): string {
    return `arn:aws:ssm:${this.region}:${ACCOUNT}:parameter/${name.replace(/^\//, '')}`;
  }

  set(name: string, value: string | string[], type?: ParameterType): string {
    const previous = this.params.get(name);
    const t = type ?? (Array.isArray(value) ? 'StringList' : 'String');
    const text = Array.isArray(value) ? value.join(',') : value;
    this.params.set(name, { name, type: t, value: text, version: (previous?.version ?? 0) + 1, modified: Date.now() / 1000 });
    return this.arn(name);
  }

  entry(p: Stored, decrypt: boolean): Record<string, unknown> {
    const value = p.type === 'SecureString' && !decrypt ? `AQICAH${Buffer.from(`kms:${p.version}:${p.name}`).toString('base64')}` : p.value;
    return { Name: p.name, Type: p.type, Value: value, Version: p.version, ARN: this.arn(p.name), LastModifiedDate: p.modified, DataType: 'text' };
  }

  /** The parameters under `path`: every level when recursive, else only the next one, sorted by name. */
  under(path: string, recursive: boolean): Stored[] {
    const base = path === '/' ? '' : path.replace(/\/+$/, '');
    return [...this.params.values()]
      .filter((p) => p.name.startsWith(`${base}/`) && (recursive || !p.name.slice(base.length + 1).includes('/')))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

const kmsError = (name: string): HttpAnswer =>
  error('InvalidKeyId', `The KMS key of parameter ${name} cannot be used to decrypt it (disabled, deleted, or kms:Decrypt denied)`);

const answer = (table: ParameterTable, faults: Faults, operation: string, body: Record<string, unknown>): HttpAnswer => {
  const decrypt = body.WithDecryption === true;
  const kmsFault = (names: string[]): SsmFault | undefined =>
    decrypt ? faults.takeFor(operation, names, (f) => f.kms === true && names.some((n) => table.find(n)?.type === 'SecureString')) : undefined;
  if (operation === 'GetParameter') {
    const name = String(body.Name ?? '');
    const p = table.find(name);
    if (p === undefined) return error('ParameterNotFound', `Parameter ${name} not found.`);
    if (p.type === 'SecureString' && kmsFault([name]) !== undefined) return kmsError(name);
    return { status: 200, body: { Parameter: table.entry(p, decrypt) } };
  }
  if (operation === 'GetParameters') {
    const names = Array.isArray(body.Names) ? body.Names.map(String) : [];
    if (names.length === 0 || names.length > 10) {
      return error(
        'ValidationException',
        `1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length between 1 and 10 (got ${names.length})`,
      );
    }
    const kms = kmsFault(names);
    if (kms !== undefined) return kmsError(kms.name ?? names.find((n) => table.find(n)?.type === 'SecureString')!);
    const found: Record<string, unknown>[] = [];
    const invalid: string[] = [];
    for (const name of names) {
      const p = table.find(name);
      const missing = faults.takeFor(operation, [name], (f) => f.name === name && f.error === 'ParameterNotFound');
      if (p === undefined || missing !== undefined) invalid.push(name);
      else found.push(table.entry(p, decrypt));
    }
    return { status: 200, body: { Parameters: found, InvalidParameters: invalid } };
  }
  if (operation === 'GetParametersByPath') {
    const path = String(body.Path ?? '');
    if (!path.startsWith('/')) return error('ValidationException', `The parameter path ${path} must begin with a slash (/)`);
    const max = typeof body.MaxResults === 'number' ? body.MaxResults : 10;
    if (max < 1 || max > 10) return error('ValidationException', 'MaxResults must be between 1 and 10');
    const all = table.under(path, body.Recursive === true);
    if (kmsFault(all.map((p) => p.name)) !== undefined) return kmsError(all.find((p) => p.type === 'SecureString')!.name);
    const start = typeof body.NextToken === 'string' ? Number(Buffer.from(body.NextToken, 'base64url').toString()) : 0;
    const page = all.slice(start, start + max).map((p) => table.entry(p, decrypt));
    const next = start + max < all.length ? Buffer.from(String(start + max)).toString('base64url') : undefined;
    return { status: 200, body: { Parameters: page, ...(next !== undefined ? { NextToken: next } : {}) } };
  }
  return error('UnknownOperationException', `Unknown operation ${operation}`);
};

/** The names a request is about (a fault with `name` matches them). */
const namesOf = (body: Record<string, unknown>): string[] => (Array.isArray(body.Names) ? body.Names.map(String) : [String(body.Name ?? body.Path ?? '')]);

export const startSsm = async (options: StartSsmOptions = {}): Promise<LocalSsm> => {
  const region = options.region ?? 'us-east-1';
  const table = new ParameterTable(region);
  for (const [name, v] of Object.entries(options.parameters ?? {})) {
    if (typeof v === 'string' || Array.isArray(v)) table.set(name, v);
    else table.set(name, v.value, v.type);
  }
  const faults = new Faults();
  faults.set(options.faults);
  const calls: SsmCall[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string, http: HttpEndpoint): void => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AmazonSSM.') ? target.slice('AmazonSSM.'.length) : target;
    let body: Record<string, unknown> = {};
    try {
      body = raw.length > 0 ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      http.send(res, error('SerializationException', 'The request body is not JSON'));
      return;
    }
    const call: SsmCall = { operation, body, headers: req.headers, at: Date.now(), outcome: 'ok' };
    calls.push(call);
    // a whole-call fault: not the per-name ParameterNotFound of GetParameters nor a KMS one (answered above)
    const fault = faults.takeFor(
      operation,
      namesOf(body),
      (f) => f.kms !== true && !(operation === 'GetParameters' && f.name !== undefined && f.error === 'ParameterNotFound'),
    );
    endCall(
      req,
      res,
      http,
      call,
      fault,
      () => {
        const a =
          fault !== undefined && (fault.error !== undefined || fault.status !== undefined)
            ? error(fault.error ?? (fault.status! >= 500 ? 'InternalServerError' : 'ValidationException'), fault.message ?? 'injected fault', fault.status)
            : answer(table, faults, operation, body);
        return { ...a, headers: { 'content-type': 'application/x-amz-json-1.1', ...a.headers } };
      },
      (a) => (a.status === 200 ? 'ok' : String((a.body as { __type?: string }).__type)),
    );
  };

  const { http, env, restoreEnv } = await startLocalAwsEndpoint(handle, 'AWS_ENDPOINT_URL_SSM', region, options.setEnv);
  return {
    endpoint: http.url,
    env,
    calls,
    callsOf: (operation) => calls.filter((c) => c.operation === operation),
    setParameter: (name, value, type) => table.set(name, value, type),
    deleteParameter: (name) => void table.params.delete(name),
    setFault: (f) => faults.set(f),
    addFault: (...f) => faults.add(...f),
    close: async () => {
      await http.close();
      restoreEnv();
    },
  };
};
