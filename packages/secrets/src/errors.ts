import { KEYS, type OptionsErrorFields, type OptionsErrorInit, markOptionsError, optionsErrorFields, redactString, safeString } from '@lambdaware/shared';

/** What went wrong, in one word. */
export type SecretsErrorCode =
  /** The secret (or the requested version/stage) does not exist. */
  | 'NotFound'
  /** IAM denied the call (or the credentials were rejected). */
  | 'AccessDenied'
  /** No credentials could be found. */
  | 'NoCredentials'
  /** Throttled, still after the SDK's retries. */
  | 'Throttled'
  /**
   * No answer in time: the invocation's remaining time (minus the fetch margin) ran out, or the client's own
   * requestTimeout / connectionTimeout fired.
   */
  | 'Timeout'
  /** The connection failed or was dropped, still after the SDK's retries. */
  | 'Network'
  /** Secrets Manager answered 5xx, still after the SDK's retries. */
  | 'ServiceError'
  /** KMS could not decrypt the secret. */
  | 'DecryptionFailure'
  /** The request was refused (e.g. the secret is scheduled for deletion, or a bad version id). */
  | 'InvalidRequest'
  /** `parse: 'json'` (the default for SecretString) and the value is not JSON. */
  | 'NotJson'
  /** `parse: 'text'` and SecretBinary is not UTF-8. */
  | 'NotText'
  /** The value does not match the schema. */
  | 'SchemaMismatch'
  /** An option is invalid (thrown by `secrets()` / `getSecretValues()` at creation). */
  | 'InvalidOptions'
  /** The AWS SDK client a spec needs (the optional peer of SSM or of AppConfig Data) is not installed: the message names the package. */
  | 'MissingDependency'
  | 'Unknown';

/** One schema issue: where (`db.hosts[0]`: the path format of @lambdaware/shared) and what, with the secret's values masked out of the message. */
export interface SecretsIssue {
  path: string;
  message: string;
}

/** What a SecretsError's id names: a Secrets Manager secret, an SSM parameter, an AppConfig configuration profile. */
export type SecretKind = 'secret' | 'parameter' | 'configuration';

export interface SecretsErrorDetails {
  /** What the id names (default `'secret'`): the message says `secret "id"`, `parameter "id"` or `configuration "id"`. */
  kind?: SecretKind;
  /** The context key the secret is bound to (middleware only). */
  key?: string;
  /** The AWS error code (`ResourceNotFoundException`...), when the error came from the service. */
  awsCode?: string;
  requestId?: string;
  /** How many HTTP attempts the SDK made. */
  attempts?: number;
  issues?: SecretsIssue[];
  cause?: unknown;
  /** An option mistake (code `InvalidOptions`): the message is the shared option-error format, not `secret "id": ...`. */
  option?: OptionsErrorFields & { message: string };
}

/**
 * The error of @lambdaware/secrets. Its message names the secret id (and the context key) and never contains a
 * secret value. The id, key and code are also attached as error values (`KEYS.errorValues`), so
 * @lambdaware/errors' `errorLog()` prints them as fields.
 */
export class SecretsError extends Error {
  override readonly name = 'SecretsError';
  readonly secretId: string;
  readonly code: SecretsErrorCode;
  readonly key: string | undefined;
  readonly awsCode: string | undefined;
  readonly requestId: string | undefined;
  readonly attempts: number | undefined;
  readonly issues: SecretsIssue[] | undefined;
  /** What `secretId` names: a Secrets Manager secret, an SSM parameter (its name), an AppConfig profile. */
  readonly kind: SecretKind;
  readonly #detail: string;

  constructor(secretId: string, code: SecretsErrorCode, message: string, details: SecretsErrorDetails = {}) {
    const kind = details.kind ?? 'secret';
    const where =
      secretId === ''
        ? `secrets${details.key !== undefined ? ` (key "${details.key}")` : ''}`
        : details.key !== undefined
          ? `${kind} "${secretId}" (key "${details.key}")`
          : `${kind} "${secretId}"`;
    const text = details.option !== undefined ? details.option.message : `${where}: ${message}`;
    super(redactString(text), details.cause !== undefined ? { cause: details.cause } : undefined);
    if (details.option !== undefined) markOptionsError(this, details.option);
    this.#detail = message;
    this.secretId = secretId;
    this.code = code;
    this.key = details.key;
    this.awsCode = details.awsCode;
    this.requestId = details.requestId;
    this.attempts = details.attempts;
    this.issues = details.issues;
    this.kind = kind;
    const values: Record<string, unknown> = { secretId, secretErrorCode: code };
    if (kind !== 'secret') values.secretKind = kind;
    if (details.key !== undefined) values.secretKey = details.key;
    Object.defineProperty(this, KEYS.errorValues, { value: values, enumerable: false, configurable: true, writable: true });
  }

  /** The same error bound to a context key (a fetch shared by several keys fails once, named per key). */
  withKey(key: string): SecretsError {
    if (this.key === key) return this;
    return new SecretsError(this.secretId, this.code, this.#detail, {
      key,
      kind: this.kind,
      awsCode: this.awsCode,
      requestId: this.requestId,
      attempts: this.attempts,
      issues: this.issues,
      cause: this.cause,
      option: this.#option,
    });
  }

  /**
   * An option mistake: code `InvalidOptions`, the shared option-error message (`secrets(): option "fetchMargin" must
   * be ..., got -1`) and fields (`option`, `expected`, `given`), and `instanceof OptionsError` holds.
   */
  static forOption(init: OptionsErrorInit, secretId = '', key?: string): SecretsError {
    const option = optionsErrorFields(init);
    return new SecretsError(secretId, 'InvalidOptions', option.problem, { key, option });
  }

  get #option(): (OptionsErrorFields & { message: string }) | undefined {
    if (this.code !== 'InvalidOptions' || typeof (this as { option?: unknown }).option !== 'string') return undefined;
    const o = this as unknown as OptionsErrorFields;
    return { package: o.package, fn: o.fn, option: o.option, expected: o.expected, given: o.given, problem: o.problem, message: this.message };
  }
}

const NOT_FOUND = new Set(['ResourceNotFoundException', 'ParameterNotFound', 'ParameterVersionNotFound']);
const THROTTLING = new Set(['ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'Throttling', 'SlowDown']);
const DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'IncompleteSignature',
]);
const INVALID = new Set(['BadRequestException', 'InvalidRequestException', 'InvalidParameterException', 'ValidationException', 'SerializationException']);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

const NETWORK_TEXT = new RegExp(`socket hang up|\\b(?:${[...NETWORK_CODES].join('|')})\\b`, 'i');

const describe: Record<SecretsErrorCode, string> = {
  NotFound: 'not found',
  AccessDenied: 'access denied (the function needs secretsmanager:GetSecretValue on it, and kms:Decrypt for a customer-managed key)',
  NoCredentials: 'no AWS credentials found',
  Throttled: 'throttled by Secrets Manager',
  Timeout: 'the request timed out',
  Network: 'the connection to Secrets Manager failed',
  ServiceError: 'Secrets Manager failed',
  DecryptionFailure: 'KMS could not decrypt it',
  InvalidRequest: 'the request was refused',
  NotJson: 'not JSON',
  NotText: 'not UTF-8 text',
  SchemaMismatch: 'does not match the schema',
  InvalidOptions: 'invalid options',
  MissingDependency: 'a package it needs is not installed',
  Unknown: 'the fetch failed',
};

/** The descriptions that differ for an SSM parameter or an AppConfig configuration. */
const describeFor: Record<SecretKind, Partial<Record<SecretsErrorCode, string>>> = {
  secret: {},
  parameter: {
    AccessDenied:
      'access denied (the function needs ssm:GetParameters on it, ssm:GetParametersByPath for a path, and kms:Decrypt for a SecureString with a customer-managed key)',
    Throttled: 'throttled by SSM Parameter Store',
    Network: 'the connection to SSM failed',
    ServiceError: 'SSM failed',
  },
  configuration: {
    AccessDenied: 'access denied (the function needs appconfig:StartConfigurationSession and appconfig:GetLatestConfiguration on it)',
    Throttled: 'throttled by AppConfig',
    Network: 'the connection to AppConfig failed',
    ServiceError: 'AppConfig failed',
  },
};

interface SdkErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
}

/** Maps whatever the SDK threw for a fetch of `secretId` to a SecretsError. */
export const toSecretsError = (secretId: string, error: unknown, kind: SecretKind = 'secret'): SecretsError => {
  if (error instanceof SecretsError) return error;
  const e = (error !== null && typeof error === 'object' ? error : { message: safeString(error) }) as SdkErrorLike;
  // a client may throw anything: only strings are read as the name and message
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const message = typeof e.message === 'string' ? e.message : undefined;
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  let code: SecretsErrorCode = 'Unknown';
  if (NOT_FOUND.has(name)) code = 'NotFound';
  // SSM answers a KMS refusal of a SecureString as AccessDeniedException naming KMS, or InvalidKeyId
  else if (kind === 'parameter' && (name === 'InvalidKeyId' || (name === 'AccessDeniedException' && /\bKMS\b|kms:/i.test(message ?? ''))))
    code = 'DecryptionFailure';
  else if (DENIED.has(name)) code = 'AccessDenied';
  else if (THROTTLING.has(name) || status === 429) code = 'Throttled';
  else if (name === 'DecryptionFailure') code = 'DecryptionFailure';
  else if (INVALID.has(name)) code = 'InvalidRequest';
  else if (name === 'CredentialsProviderError') code = 'NoCredentials';
  // by what happened, not by the name: the SDK's node HTTP handler renames ECONNRESET/EPIPE errors "TimeoutError"
  // (and its "AWS SDK error wrapper for TimeoutError: socket hang up" keeps only the message)
  else if (NETWORK_CODES.has(typeof e.code === 'string' ? e.code : '') || NETWORK_TEXT.test(message ?? '')) code = 'Network';
  else if (name === 'TimeoutError' || e.code === 'ETIMEDOUT' || name === 'AbortError' || /\bTimeoutError\b|\bETIMEDOUT\b/.test(message ?? '')) code = 'Timeout';
  else if (e.$fault === 'server' || (status !== undefined && status >= 500)) code = 'ServiceError';
  const attempts = typeof e.$metadata?.attempts === 'number' ? e.$metadata.attempts : undefined;
  const awsCode = e.$metadata !== undefined && status !== undefined ? name : undefined;
  const said = message !== undefined && message.length > 0 ? ` (${name}: ${message})` : ` (${name})`;
  const tries = attempts !== undefined && attempts > 1 ? ` after ${attempts} attempts` : '';
  return new SecretsError(secretId, code, `${describeFor[kind][code] ?? describe[code]}${tries}${said}`, {
    kind,
    awsCode,
    requestId: e.$metadata?.requestId,
    attempts,
    cause: error,
  });
};

/**
 * Replaces, in a validator's message, every leaf value of the secret with ****: long ones wherever they occur,
 * short ones (under 4 characters) where they stand as a word, so that "a" does not mangle "Invalid".
 */
export const scrubValues = (text: string, value: unknown): string => {
  const leaves = new Set<string>();
  const walk = (v: unknown, depth: number): void => {
    if (depth > 32) return;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') {
      const s = String(v);
      if (s.length > 0) leaves.add(s);
    } else if (v !== null && typeof v === 'object') {
      for (const x of Array.isArray(v) ? v : Object.values(v)) walk(x, depth + 1);
    }
  };
  walk(value, 0);
  let out = text;
  for (const leaf of [...leaves].sort((a, b) => b.length - a.length)) {
    if (leaf.length >= 4) out = out.split(leaf).join('****');
    else {
      const escaped = leaf.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'gu'), '****');
    }
  }
  return redactString(out);
};

export { describe as describeCode };
