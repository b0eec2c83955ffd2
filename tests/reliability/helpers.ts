// Shared by the reliability suite: counts (CI or soak), the summary line each property prints, the canary secrets
// and the scan of every byte written to stdout/stderr and every envelope the local Sentry ingest receives.
import { appendFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { SentryIngest } from '@lambdaware/testkit';

const realStderrWrite = process.stderr.write.bind(process.stderr) as (text: string) => boolean;

/** `LAMBDAWARE_SOAK=1`: soak counts; `LAMBDAWARE_SOAK_SCALE` (default 1) scales them (0.1 = a tenth). */
export const SOAK = process.env.LAMBDAWARE_SOAK === '1';
const SCALE = Number(process.env.LAMBDAWARE_SOAK_SCALE ?? '1');

/** The count for this run: `ci` in CI, `soak` (scaled) in soak mode. */
export const count = (ci: number, soak: number): number => (SOAK ? Math.max(ci, Math.round(soak * (Number.isFinite(SCALE) && SCALE > 0 ? SCALE : 1))) : ci);

/** A jest timeout for a property that runs `n` times at about `msEach`, never below 30 s. */
export const timeoutFor = (n: number, msEach: number): number => Math.max(30_000, Math.ceil(n * msEach * 3));

/**
 * Prints the property's one summary line (`nothing-lost sqs: 1000 batches, ...`) and, when
 * LAMBDAWARE_RELIABILITY_REPORT names a file, appends it there as JSON (scripts/soak.mjs builds its table from it).
 */
export const summary = (property: string, counts: string, result: 'pass' | 'fail', ms: number): void => {
  const line = `${property}: ${counts} (${result}, ${(ms / 1000).toFixed(1)} s${SOAK ? ', soak' : ''})`;
  // straight to the real stderr: the tests tap process.stdout/stderr (and jest's console writes through them)
  realStderrWrite(`${line}\n`);
  const file = process.env.LAMBDAWARE_RELIABILITY_REPORT;
  if (file) appendFileSync(file, `${JSON.stringify({ property, counts, result, ms: Math.round(ms) })}\n`);
};

/**
 * Canary secrets: each holds characters JSON escapes (`"`, `\`, a newline, a tab) and non-ASCII text, so a
 * redaction that only knows the raw form of a secret misses them in a JSON line.
 */
export const makeCanaries = (): string[] => {
  const r = () => randomBytes(6).toString('hex');
  return [`canary-pa"ss\\wo rd\n${r()}`, `canary-tök€n\t"${r()}"\\end`, `canary-plain-${r()}`];
};

/** The forms a secret takes in output: raw, JSON-escaped once (a string value), twice (JSON inside a string). */
export const formsOf = (secret: string): string[] => {
  const once = JSON.stringify(secret).slice(1, -1);
  const twice = JSON.stringify(once).slice(1, -1);
  return [...new Set([secret, once, twice])];
};

export interface Leak {
  where: string;
  secret: string;
  excerpt: string;
}

/** Finds any form of any secret in `text`; each finding names where it was. */
export const findSecrets = (text: string, secrets: readonly string[], where: string): Leak[] => {
  const leaks: Leak[] = [];
  for (const secret of secrets) {
    for (const form of formsOf(secret)) {
      const at = text.indexOf(form);
      if (at >= 0) leaks.push({ where, secret: JSON.stringify(secret), excerpt: JSON.stringify(text.slice(Math.max(0, at - 80), at + form.length + 40)) });
    }
  }
  return leaks;
};

/** Every envelope the ingest received, as text (each item's header and payload), scanned for secrets. */
export const scanEnvelopes = (ingest: SentryIngest, secrets: readonly string[]): { envelopes: number; bytes: number; leaks: Leak[] } => {
  let bytes = 0;
  const leaks: Leak[] = [];
  ingest.envelopes.forEach((e, i) => {
    const text = JSON.stringify({
      header: e.header,
      items: e.items.map((it) => ({ header: it.header, payload: Buffer.isBuffer(it.payload) ? it.payload.toString('utf8') : it.payload })),
    });
    bytes += text.length;
    leaks.push(...findSecrets(text, secrets, `envelope ${i}`));
  });
  return { envelopes: ingest.envelopes.length, bytes, leaks };
};

export interface OutputTap {
  /** Every line written since the tap was installed (stdout and stderr), unless `keep` was false. */
  lines: { stream: 'stdout' | 'stderr'; text: string }[];
  /** Bytes written. */
  bytes: number;
  writes: number;
  /** Secrets found so far in the writes (scanned as they are written, kept or not). */
  leaks: Leak[];
  /** Changes the set of secrets scanned for (canaries added later are scanned from then on). */
  secrets: string[];
  /** Stops capturing: writes go to the real streams again. */
  restore(): void;
}

/**
 * Taps process.stdout and process.stderr: every write is scanned for the secrets and kept (split into lines) when
 * `keep`, and not passed on (thousands of log lines would drown jest's output).
 */
export const tapOutput = (secrets: string[], keep = true): OutputTap => {
  const originals = { stdout: process.stdout.write, stderr: process.stderr.write };
  const tap: OutputTap = {
    lines: [],
    bytes: 0,
    writes: 0,
    leaks: [],
    secrets,
    restore() {
      process.stdout.write = originals.stdout;
      process.stderr.write = originals.stderr;
    },
  };
  const hook = (stream: 'stdout' | 'stderr') =>
    function write(chunk: unknown, ...rest: unknown[]): boolean {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      tap.bytes += text.length;
      tap.writes += 1;
      tap.leaks.push(...findSecrets(text, tap.secrets, `${stream} write ${tap.writes}`));
      if (keep) for (const l of text.split('\n')) if (l.length > 0) tap.lines.push({ stream, text: l });
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    };
  process.stdout.write = hook('stdout') as typeof process.stdout.write;
  process.stderr.write = hook('stderr') as typeof process.stderr.write;
  return tap;
};

/** Object.prototype, Array.prototype and Function.prototype own keys, to compare before/after. */
export const prototypeSnapshot = (): string => {
  const keys = (o: object) => Reflect.ownKeys(o).map(String).sort().join(',');
  return [keys(Object.prototype), keys(Array.prototype), keys(Function.prototype), keys(String.prototype)].join('|');
};

/** Unhandled promise rejections while a test runs (process-level listener). */
export const watchUnhandled = (): { reasons: unknown[]; stop(): void } => {
  const reasons: unknown[] = [];
  const listener = (reason: unknown) => reasons.push(reason);
  process.on('unhandledRejection', listener);
  return { reasons, stop: () => process.off('unhandledRejection', listener) };
};

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
