// The local Secrets Manager's state: the secrets (their versions and stages), the fault script, and the answers of
// the two operations (see secrets-manager.ts for the endpoint that serves them).
import { randomBytes, randomUUID } from 'node:crypto';
import type { FaultSpec, SetSecretOptions } from './secrets-manager.js';

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

/** An answer of the endpoint: its status, its JSON body, and what the call record says happened. */
export type Answer = { status: number; body: unknown; outcome: string };

export const errorAnswer = (status: number, type: string, message: string): Answer => ({
  status,
  body: { __type: type, message },
  outcome: type,
});

/** The fault script: the first rule that matches a request and has `times` left applies. */
export class FaultScript {
  private script: { spec: FaultSpec; left: number }[] = [];

  set(faults?: FaultSpec | FaultSpec[]): void {
    this.script = [];
    if (faults !== undefined) this.add(...(Array.isArray(faults) ? faults : [faults]));
  }

  add(...faults: FaultSpec[]): void {
    for (const spec of faults) this.script.push({ spec, left: spec.times ?? 1 });
  }

  /** The first rule with `times` left matching the request; consumes one. */
  take(operation: string, secretId: unknown, perSecret: boolean): FaultSpec | undefined {
    for (const rule of this.script) {
      if (rule.left <= 0) continue;
      const { spec } = rule;
      if (spec.operation !== undefined && spec.operation !== operation) continue;
      if (perSecret !== (spec.secretId !== undefined && operation === 'BatchGetSecretValue')) continue;
      if (spec.secretId !== undefined && spec.secretId !== secretId) continue;
      rule.left -= 1;
      return spec;
    }
    return undefined;
  }
}

/** The secrets, and the answers of GetSecretValue and BatchGetSecretValue over them. */
export class SecretStore {
  private readonly secrets = new Map<string, StoredSecret>();

  constructor(
    private readonly region: string,
    private readonly faults: FaultScript,
  ) {}

  /** By name, full ARN, or partial ARN (without the 6-character suffix). */
  find(id: unknown): StoredSecret | undefined {
    if (typeof id !== 'string') return undefined;
    const byName = this.secrets.get(id);
    if (byName !== undefined) return byName;
    for (const s of this.secrets.values()) {
      if (s.arn === id || (id.startsWith('arn:') && s.arn.startsWith(`${id}-`) && s.arn.length === id.length + 7)) return s;
    }
    return undefined;
  }

  set(name: string, value: string | Uint8Array | object, opts: SetSecretOptions = {}): string {
    let secret = this.secrets.get(name);
    if (secret === undefined) {
      const suffix = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 6);
      secret = { name, arn: opts.arn ?? `arn:aws:secretsmanager:${this.region}:${ACCOUNT}:secret:${name}-${suffix}`, versions: [] };
      this.secrets.set(name, secret);
    } else if (opts.arn !== undefined) {
      secret.arn = opts.arn;
    }
    const stage = opts.stage ?? 'AWSCURRENT';
    for (const v of secret.versions) {
      if (stage === 'AWSCURRENT') v.stages = v.stages.includes('AWSCURRENT') ? ['AWSPREVIOUS'] : v.stages.filter((s) => s !== 'AWSPREVIOUS');
      else v.stages = v.stages.filter((s) => s !== stage);
    }
    const version: Version = { versionId: opts.versionId ?? randomUUID(), stages: [stage], created: Date.now() / 1000 };
    if (value instanceof Uint8Array) version.binary = new Uint8Array(value);
    else {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      if (opts.binary === true) version.binary = new Uint8Array(Buffer.from(text, 'utf8'));
      else version.string = text;
    }
    secret.versions.push(version);
    return secret.arn;
  }

  delete(name: string): void {
    const secret = this.find(name);
    if (secret !== undefined) this.secrets.delete(secret.name);
  }

  private static valueEntry(secret: StoredSecret, version: Version): Record<string, unknown> {
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      ...(version.binary !== undefined ? { SecretBinary: Buffer.from(version.binary).toString('base64') } : { SecretString: version.string }),
      VersionStages: [...version.stages],
      CreatedDate: version.created,
    };
  }

  getSecretValue(body: Record<string, unknown>): Answer {
    const { SecretId: id, VersionId: versionId, VersionStage: stage } = body;
    if (typeof id !== 'string' || id.length === 0) return errorAnswer(400, 'ValidationException', 'SecretId is required');
    const secret = this.find(id);
    if (secret === undefined) {
      return errorAnswer(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    }
    const version = secret.versions.find((v) =>
      versionId !== undefined ? v.versionId === versionId : v.stages.includes(typeof stage === 'string' ? stage : 'AWSCURRENT'),
    );
    if (version === undefined || (versionId !== undefined && stage !== undefined && !version.stages.includes(String(stage)))) {
      return errorAnswer(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret value for staging label or version.");
    }
    return { status: 200, body: SecretStore.valueEntry(secret, version), outcome: 'ok' };
  }

  batchGetSecretValue(body: Record<string, unknown>): Answer {
    const list = body.SecretIdList;
    if (!Array.isArray(list) || list.length === 0) {
      return errorAnswer(400, 'ValidationException', 'SecretIdList is required (Filters are not supported by this endpoint)');
    }
    if (list.length > 20) return errorAnswer(400, 'ValidationException', 'SecretIdList must have at most 20 items');
    const values: unknown[] = [];
    const errors: unknown[] = [];
    for (const id of list) {
      const fault = this.faults.take('BatchGetSecretValue', id, true);
      if (fault !== undefined) {
        errors.push({ SecretId: id, ErrorCode: fault.error ?? 'InternalServiceError', Message: fault.message ?? 'injected fault' });
        continue;
      }
      const secret = this.find(id);
      const version = secret?.versions.find((v) => v.stages.includes('AWSCURRENT'));
      if (secret === undefined || version === undefined) {
        errors.push({ SecretId: id, ErrorCode: 'ResourceNotFoundException', Message: "Secrets Manager can't find the specified secret." });
      } else {
        values.push(SecretStore.valueEntry(secret, version));
      }
    }
    return { status: 200, body: { SecretValues: values, Errors: errors }, outcome: 'ok' };
  }
}
