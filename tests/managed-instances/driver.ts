// Drives the preset through the real aws-lambda-ric in multi-concurrent mode (Lambda Managed Instances), with
// `invoke({ concurrency })` of the CLI, and checks what came out: every log line, every response and every
// envelope the local Sentry ingest received, against the invocation each one belongs to.
//
// Each invocation gets a unique marker (`mi-<index>-<hex>`), an SQS message id (a UUID) and a request id (a UUID).
// A line belongs to the invocation its request id names (`function_request_id` of the logger's lines, `requestId`
// of the runtime's own); a Sentry event to the one its `aws_request_id` tag names. It is a crossing when it names
// any other invocation's marker, message id or request id, or when its `marker` key is not its invocation's.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { invoke, type InvokeResult } from '@lambdaware/cli';
import { sqsEvent } from '@lambdaware/events';
import type { SentryIngest } from '@lambdaware/testkit';
import { findSecrets, scanEnvelopes, type Leak } from '../reliability/helpers.js';

export const HANDLER = fileURLToPath(new URL('./fixtures/preset-handler.mjs', import.meta.url));

export type Kind = 'success' | 'handler-throw' | 'bad-record';

export interface Job {
  index: number;
  kind: Kind;
  marker: string;
  messageId: string;
}

export interface RunOptions {
  /** How many invocations. */
  invocations: number;
  /** AWS_LAMBDA_MAX_CONCURRENCY: how many in flight at once. */
  concurrency: number;
  /** aws-lambda-ric worker threads (AWS_LAMBDA_NODEJS_WORKER_COUNT). */
  workers: number;
  /** The kind of invocation `index`. */
  kindOf: (index: number) => Kind;
  /** How long each invocation's handler waits, twice (so that many are in flight together). */
  ms: (index: number) => number;
  ingest: SentryIngest;
  /** Environment of the function: Secrets Manager endpoint and SECRET_ARN. */
  env: Record<string, string>;
  /** Values that must never appear in any output. */
  secrets: string[];
  timeout?: number;
  /** Another handler module (default: fixtures/preset-handler.mjs). */
  handler?: string;
}

export interface Failure {
  job: Job;
  requestId: string;
  sentryEventID?: string;
  outcome: 'delivered' | 'warned' | 'lost';
  reason?: string;
}

export interface Analysis {
  result: InvokeResult;
  jobs: Job[];
  /** Function lines checked (platform lines aside). */
  lines: number;
  /** Lines naming no invocation (written outside any invocation); listed for the failure message. */
  unattributed: string[];
  /** Lines that name another invocation's marker, message id or request id. */
  crossedLines: string[];
  /** Lines whose `marker` key is not their invocation's. */
  crossedKeys: string[];
  /** Sentry events naming another invocation, or no invocation. */
  crossedEvents: string[];
  secretsFound: Leak[];
  envelopes: number;
  largestLine: number;
  largestEvent: number;
  failures: Failure[];
  /** Failures whose Sentry event neither arrived nor was warned about with its reason. */
  lost: Failure[];
  /** Warnings whose reason is not what happened (the ingest never refused or rate-limited anything here). */
  untrueReasons: Failure[];
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const MARKER = /mi-\d+-[0-9a-f]{8}/g;
const PLATFORM = /^(START|END|REPORT|INIT_REPORT) |^\S+ [0-9a-f-]{36} Task timed out after|^lambdaware: /;

/** Runs the invocations and checks every line, response and envelope. */
export async function runManagedInstances(options: RunOptions): Promise<Analysis> {
  const run = randomBytes(4).toString('hex');
  const jobs: Job[] = [];
  const events = Array.from({ length: options.invocations }, (_, index) => {
    const kind = options.kindOf(index);
    const marker = `mi-${index}-${run}`;
    const body =
      kind === 'bad-record'
        ? { marker, ms: `not a number ${marker}` } // fails the schema in records' before: a RecordsError
        : { marker, ms: options.ms(index), fail: kind === 'handler-throw' };
    const event = sqsEvent([body]) as { Records: { messageId: string }[] };
    jobs.push({ index, kind, marker, messageId: event.Records[0].messageId });
    return event;
  });
  const envelopesBefore = options.ingest.envelopes.length;
  const eventsBefore = options.ingest.events.length;
  const result = await invoke({
    handler: `${options.handler ?? HANDLER}#handler`,
    events,
    concurrency: options.concurrency,
    timeout: options.timeout ?? 30,
    env: { ...options.env, SENTRY_DSN: options.ingest.dsn, AWS_LAMBDA_NODEJS_WORKER_COUNT: String(options.workers) },
  });
  const sentryEvents = options.ingest.events.slice(eventsBefore);
  const byRequestId = new Map(result.invocations.map((inv, index) => [inv.requestId, index]));
  const byMessageId = new Map(jobs.map((job) => [job.messageId, job.index]));
  const byMarker = new Map(jobs.map((job) => [job.marker, job.index]));

  /** The invocations a text names, by request id, message id or marker. */
  const named = (text: string): Set<number> => {
    const found = new Set<number>();
    for (const id of text.match(UUID) ?? []) {
      const index = byRequestId.get(id) ?? byMessageId.get(id);
      if (index !== undefined) found.add(index);
    }
    for (const marker of text.match(MARKER) ?? []) {
      const index = byMarker.get(marker);
      found.add(index ?? -1);
    }
    return found;
  };

  const analysis: Analysis = {
    result,
    jobs,
    lines: 0,
    unattributed: [],
    crossedLines: [],
    crossedKeys: [],
    crossedEvents: [],
    secretsFound: [],
    envelopes: 0,
    largestLine: 0,
    largestEvent: 0,
    failures: [],
    lost: [],
    untrueReasons: [],
  };
  const parsed: { owner: number; line: Record<string, any> }[] = [];
  for (const text of result.logs) {
    if (PLATFORM.test(text)) continue;
    analysis.lines++;
    analysis.largestLine = Math.max(analysis.largestLine, Buffer.byteLength(text));
    let line: Record<string, any> | undefined;
    try {
      line = JSON.parse(text) as Record<string, any>;
    } catch {
      line = undefined;
    }
    const ownerId = line?.function_request_id ?? line?.requestId;
    const owner = typeof ownerId === 'string' ? byRequestId.get(ownerId) : undefined;
    const mentions = named(text);
    if (owner === undefined) {
      if (mentions.size > 0)
        analysis.crossedLines.push(text); // an invocation's data on a line of none
      else analysis.unattributed.push(text);
      continue;
    }
    if ([...mentions].some((index) => index !== owner)) analysis.crossedLines.push(text);
    if (line && 'marker' in line && line.marker !== jobs[owner].marker) analysis.crossedKeys.push(text);
    if (line) parsed.push({ owner, line });
  }

  for (const event of sentryEvents) {
    const text = JSON.stringify(event);
    analysis.largestEvent = Math.max(analysis.largestEvent, Buffer.byteLength(text));
    const tags = (event.tags ?? {}) as Record<string, string>;
    const owner = byRequestId.get(tags.aws_request_id ?? '');
    const mentions = named(text);
    if (owner === undefined || [...mentions].some((index) => index !== owner)) analysis.crossedEvents.push(text.slice(0, 600));
  }

  for (const [index, invocation] of result.invocations.entries()) {
    const job = jobs[index];
    analysis.secretsFound.push(...findSecrets(invocation.payload, options.secrets, `response of ${job.marker}`));
    if (job.kind === 'success') continue;
    const own = parsed.filter((p) => p.owner === index).map((p) => p.line);
    const errorLine = own.find((l) => l.level === 'ERROR' && l.error?.sentryEventID);
    const failure: Failure = { job, requestId: invocation.requestId, sentryEventID: errorLine?.error?.sentryEventID, outcome: 'lost' };
    if (failure.sentryEventID && sentryEvents.some((e) => e.event_id === failure.sentryEventID)) failure.outcome = 'delivered';
    else {
      const warning = own.find((l) => l.level === 'WARN' && /sentry/i.test(String(l.message)) && l.sentryEventID === failure.sentryEventID && l.reason);
      if (failure.sentryEventID && warning) {
        failure.outcome = 'warned';
        failure.reason = String(warning.reason);
      }
    }
    analysis.failures.push(failure);
  }
  for (const text of result.logs) analysis.secretsFound.push(...findSecrets(text, options.secrets, 'a log line'));
  const scan = scanEnvelopes({ ...options.ingest, envelopes: options.ingest.envelopes.slice(envelopesBefore) } as SentryIngest, options.secrets);
  analysis.secretsFound.push(...scan.leaks);
  analysis.envelopes = scan.envelopes;
  analysis.lost = analysis.failures.filter((f) => f.outcome === 'lost');
  const refused = options.ingest.envelopes.slice(envelopesBefore).some((e) => e.answered !== 200);
  analysis.untrueReasons = analysis.failures.filter((f) => f.outcome === 'warned' && !refused && /rate limit|HTTP \d/i.test(f.reason ?? ''));
  return analysis;
}

/** One line for the summary: what ran and what was found. */
export function describe(analysis: Analysis, options: Pick<RunOptions, 'concurrency' | 'workers'>): string {
  const c = analysis.result.concurrency!;
  const count = (kind: Kind) => analysis.jobs.filter((j) => j.kind === kind).length;
  const outcome = (o: Failure['outcome']) => analysis.failures.filter((f) => f.outcome === o).length;
  return (
    `${analysis.jobs.length} invocations (${count('success')} success, ${count('handler-throw')} handler throw, ${count('bad-record')} bad record), ` +
    `AWS_LAMBDA_MAX_CONCURRENCY=${options.concurrency}, ${options.workers} worker threads, up to ${c.peakInFlight} in flight, ` +
    `${analysis.lines} lines and ${analysis.envelopes} envelopes checked: ${analysis.crossedLines.length} crossed lines, ${analysis.crossedKeys.length} crossed keys, ` +
    `${analysis.secretsFound.length} secrets found, ${analysis.crossedEvents.length} crossed events; failures' Sentry events: ${outcome('delivered')} delivered, ` +
    `${outcome('warned')} warned, ${outcome('lost')} lost${analysis.untrueReasons.length ? ` (${analysis.untrueReasons.length} with an untrue reason)` : ''}`
  );
}
