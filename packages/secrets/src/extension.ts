import { existsSync } from 'node:fs';
import { request } from 'node:http';

/**
 * The AWS Parameters and Secrets Lambda Extension as a transport: a local HTTP cache in front of Secrets Manager
 * and SSM (`GET localhost:<PARAMETERS_SECRETS_EXTENSION_HTTP_PORT, default 2773>/secretsmanager/get?secretId=…` and
 * `/systemsmanager/parameters/get?name=…&withDecryption=true`, header `X-Aws-Parameters-Secrets-Token` set to
 * `AWS_SESSION_TOKEN`).
 *
 * "Present" (`transport: 'auto'`) is decided without a network round trip: `PARAMETERS_SECRETS_EXTENSION_HTTP_PORT`
 * is set, or the extension's executable is in `/opt/extensions` (where Lambda puts a layer's extensions). A loopback
 * probe was not used: it costs a round trip on every cold start and cannot tell "absent" from "not ready yet" (the
 * extension is not serving during init, when the prefetch runs). Instead, in `'auto'` a call the extension refuses
 * at the connection (not running, not ready) goes through the SDK; with `'extension'` it fails.
 */

export type Transport = 'auto' | 'sdk' | 'extension';

export const EXTENSION_PORT_ENV = 'PARAMETERS_SECRETS_EXTENSION_HTTP_PORT';
const EXTENSION_EXECUTABLE = '/opt/extensions/AWSParametersAndSecretsLambdaExtension';

let present: boolean | undefined;

/** Is the extension there (checked once per process: an environment variable, or one stat of its executable)? */
export const extensionPresent = (): boolean => (present ??= process.env[EXTENSION_PORT_ENV] !== undefined || existsSync(EXTENSION_EXECUTABLE));

/** Forgets what extensionPresent() found (tests that start and stop a fake extension). */
export const resetExtensionPresence = (): void => {
  present = undefined;
};

/** Does this transport option use the extension now? */
export const usesExtension = (transport: Transport): boolean => transport === 'extension' || (transport === 'auto' && extensionPresent());

/** An error the extension answered (its status and body), shaped like the SDK's service errors for toSecretsError. */
export class ExtensionError extends Error {
  readonly $metadata: { httpStatusCode: number };
  constructor(status: number, body: string) {
    // the extension relays the service's error: its type when the body names one (JSON `__type` or the text)
    let name = status === 401 || status === 403 ? 'AccessDeniedException' : status === 429 ? 'ThrottlingException' : 'ExtensionError';
    let message = body.slice(0, 500);
    try {
      const parsed = JSON.parse(body) as { __type?: unknown; message?: unknown; Message?: unknown };
      if (typeof parsed.__type === 'string') name = parsed.__type.replace(/^.*#/, '');
      if (typeof (parsed.message ?? parsed.Message) === 'string') message = String(parsed.message ?? parsed.Message);
    } catch {
      const named = /\b(ResourceNotFoundException|ParameterNotFound|AccessDeniedException|ThrottlingException|DecryptionFailure|InvalidKeyId)\b/.exec(body);
      if (named !== null) name = named[1]!;
    }
    super(`the Parameters and Secrets extension answered ${status}: ${message}`);
    this.name = name;
    this.$metadata = { httpStatusCode: status };
  }
}

/** True when the extension could not be reached at all (not running, not ready): 'auto' then uses the SDK. */
export const unreachable = (e: unknown): boolean => {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH';
};

/** GET `path` from the extension: its JSON answer, or an ExtensionError; aborted by `signal`. */
export const extensionGet = (path: string, signal: AbortSignal): Promise<unknown> => {
  const port = Number(process.env[EXTENSION_PORT_ENV] ?? 2773);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'GET', headers: { 'X-Aws-Parameters-Secrets-Token': process.env.AWS_SESSION_TOKEN ?? '' }, signal },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) return reject(new ExtensionError(res.statusCode ?? 0, body));
          try {
            resolve(JSON.parse(body) as unknown);
          } catch {
            reject(new ExtensionError(502, `not JSON: ${body.slice(0, 200)}`));
          }
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
};
