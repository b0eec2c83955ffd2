// The built-in reporter: the only module that uses the Sentry SDK to build and send events, in its own module.
// builtin.ts loads it (with sentry-core.ts, @sentry/core's exports it uses, bound as `this.core`) at init, only
// when a DSN is set and the app has no Sentry client; `@lambdaware/sentry/app` never imports it.
//
// It uses @sentry/core's public exports only, no `Client` (not even a stand-in one): the event builder and the node
// stack parser (`eventFromUnknownInput`, `eventFromMessage`), linked errors (`applyAggregateErrorsToEvent` with
// `exceptionFromError`, what `linkedErrorsIntegration` runs), `normalize`, the DSN and its envelope endpoint, the
// envelope (`createEventEnvelope`), the transport (`createTransport`: the send buffer) and the rate limits
// (`updateRateLimits`, `isRateLimited`: why an event was not sent is known here, not read from the transport's
// drop-reason words). What it adds to an event (`prepare`: the platform and node contexts, the invocation's data,
// the trace, the debug ids) is this reporter's own choice of the official SDK's event shape, checked field by field
// against @sentry/aws-serverless's event in test/event-shape.test.ts. Core's `prepareEvent` with a `Scope` would do
// part of it and add 17 KB to every bundle (34 KB instead of 17 KB of @sentry/core); `Client` 45 KB.
//
// Over 300 lines on purpose: the reporter is one class (transport, event preparation, tracking of each capture);
// every method is short.
import { Agent as HttpAgent, request as httpRequest, type Agent, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { DsnComponents, ErrorEvent, Event, EventHint, SdkMetadata, SeverityLevel, Transport } from '@sentry/core';
import { MECHANISM, type Outcome, type SentryCore, forgetCaptured, isCapturedBySentry } from './sentry-adapter.js';
import { boundEvent } from './bound-event.js';
import { boundedForSentry } from './bounded-error.js';
import { createGetModule, nodeContexts, serverName } from './node-context.js';
import { redactDeep, thrownMessage } from '@lambdaware/shared';
import type { InvocationData } from './context.js';

export interface ReporterConfig {
  core: SentryCore;
  dsn: string;
  environment: string | undefined;
  release: string | undefined;
  beforeSend: ((event: ErrorEvent, hint: EventHint) => ErrorEvent | null | PromiseLike<ErrorEvent | null>) | undefined;
  /** Envelopes larger than this are gzipped (as @sentry/node does). */
  gzipThreshold?: number;
}

export interface Capture {
  /** Undefined when the error was already captured by a Sentry SDK (Sentry's own de-duplication). */
  eventId: string | undefined;
  /** Resolves when the event was answered, dropped or failed; never rejects. */
  outcome: Promise<Outcome>;
  /** Gives up on the event: aborts its request if it is still in flight. */
  abandon(): void;
}

/** What a capture adds to the invocation's data (a timeout warning's tag and fingerprint). */
export interface CaptureExtras {
  tags?: Record<string, string>;
  /** The invocation's recent log lines (context.ts `lineBreadcrumbs`). */
  breadcrumbs?: readonly Record<string, unknown>[];
  extra?: Record<string, unknown>;
  fingerprint?: string[];
}

/** The text of the envelope's header line names the event id: read it back to pair a request with its event. */
const eventIdOfEnvelope = (body: string | Uint8Array): string | undefined => {
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 512)).toString('utf8');
  const nl = text.indexOf('\n');
  try {
    const header = JSON.parse(nl === -1 ? text : text.slice(0, nl)) as { event_id?: unknown };
    return typeof header.event_id === 'string' ? header.event_id : undefined;
  } catch {
    return undefined;
  }
};

/**
 * A pooled connection is reused only when it went back to the pool less than this long ago. Lambda freezes the
 * sandbox between invocations, so a socket can sit in the pool through a freeze of any length while the server (or
 * a NAT) closes it, and the timers that would drop it do not run while frozen: the age is checked when a request
 * is made. Within a second the server (Node's default keep-alive timeout is 5 s, Sentry's ingest keeps longer) has
 * not closed an idle connection; if it did, the request fails with ECONNRESET/EPIPE and is sent once more on a
 * new connection (the same event id: Sentry keeps one).
 */
export const KEEP_ALIVE_IDLE_MS = 1000;

const isRetryable = (req: ClientRequest, error: NodeJS.ErrnoException): boolean => req.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');

const isOk = (status: number | undefined): boolean => status !== undefined && status >= 200 && status < 300;

/** As the client options of the previous ServerRuntimeClient: normalizeDepth 6, Sentry's default breadth. */
const NORMALIZE_DEPTH = 6;
const NORMALIZE_BREADTH = 1000;
/**
 * No Client (this reporter has none): `eventFromUnknownInput` reads its client optionally (`client?.getOptions()`,
 * only the normalizeDepth of a thrown plain object; Sentry's default 3 applies without one), in 10.53 as in 11.x.
 */
const NO_CLIENT = undefined as unknown as Parameters<SentryCore['eventFromUnknownInput']>[0];
/** This package's version, in the event's `sdk.packages`. */
const LAMBDAWARE_SENTRY_VERSION = '0.1.0';
/** The events the transport's queue holds; index.ts keeps at most this many of ours in it at once. */
export const QUEUE_SIZE = 64;
/** linkedErrorsIntegration's defaults. */
const LINKED_ERRORS_KEY = 'cause';
const LINKED_ERRORS_LIMIT = 5;

/**
 * A Sentry reporter of its own (no global hub, no scopes shared between events), an http(s) transport that reports
 * per event whether Sentry accepted it, and the invocation's data applied to each event alone.
 */
export class Reporter {
  private readonly core: SentryCore;
  private readonly stackParser: ReturnType<SentryCore['createStackParser']>;
  private readonly dsn: DsnComponents;
  private readonly transport: Transport;
  private readonly metadata: SdkMetadata;
  private readonly environment: string;
  private readonly release: string | undefined;
  private readonly userBeforeSend: ReporterConfig['beforeSend'];
  private readonly inflight = new Map<string, ClientRequest>();
  /** Events given up at the caller's bound: not sent (nor sent again) after that, in a later invocation. */
  private readonly abandoned = new Set<string>();
  private agent: Agent | undefined;
  /** Sentry's rate limits, from its answers (`updateRateLimits`, as the transport keeps its own). */
  private rateLimits: Parameters<SentryCore['isRateLimited']>[0] = {};
  /** Date.now() when the agent last put a socket back in its pool. */
  private lastPooled = 0;
  private readonly capturedFor = new WeakMap<object, string | undefined>();

  constructor(config: ReporterConfig) {
    const core = (this.core = config.core);
    const { SDK_VERSION, createTransport, getEnvelopeEndpointWithUrlEncodedAuth, makeDsn } = core;
    this.stackParser = core.createStackParser(core.nodeStackLineParser(createGetModule()));
    const dsn = makeDsn(config.dsn);
    if (dsn === undefined) throw new Error('Sentry DSN could not be parsed');
    this.dsn = dsn;
    this.environment = config.environment || 'production';
    this.release = config.release;
    this.userBeforeSend = config.beforeSend;
    const sdk = {
      name: 'sentry.javascript.lambdaware',
      version: SDK_VERSION,
      integrations: ['LinkedErrors'],
      packages: [
        { name: 'npm:@lambdaware/sentry', version: LAMBDAWARE_SENTRY_VERSION },
        { name: 'npm:@sentry/core', version: SDK_VERSION },
      ],
    };
    this.metadata = { sdk };
    const gzipThreshold = config.gzipThreshold ?? 32 * 1024;
    const url = getEnvelopeEndpointWithUrlEncodedAuth(dsn, undefined, sdk);
    // The send queue holds QUEUE_SIZE events (Sentry's default, 64, drops more under Lambda Managed Instances'
    // concurrency with a misleading reason); index.ts never hands it more than that at once.
    this.transport = createTransport({ recordDroppedEvent: () => {}, bufferSize: QUEUE_SIZE }, async ({ body }) => {
      const response = await this.send(url, body, gzipThreshold, eventIdOfEnvelope(body));
      this.rateLimits = this.core.updateRateLimits(this.rateLimits, response);
      return response;
    });
  }

  private async send(url: string, body: string | Uint8Array, gzipThreshold: number, eventId: string | undefined) {
    let payload: Buffer | string = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const headers: Record<string, string> = { 'content-type': 'application/x-sentry-envelope' };
    if (Buffer.byteLength(payload) > gzipThreshold) {
      const { gzipSync } = await import('node:zlib');
      payload = gzipSync(payload);
      headers['content-encoding'] = 'gzip';
    }
    const target = new URL(url);
    return this.post(target, headers, payload, eventId, true);
  }

  /**
   * The pool of kept-alive connections, or a new connection without a pool (`false`) when the pool's sockets are
   * too old and a request is still using one of them. Free sockets are unref'd by Node: they never keep a process
   * alive, and none is reused after KEEP_ALIVE_IDLE_MS.
   */
  private agentFor(https: boolean): Agent | false {
    const idle = Date.now() - this.lastPooled;
    if (this.agent !== undefined && (idle > KEEP_ALIVE_IDLE_MS || idle < 0)) {
      if (this.inflight.size > 0) return false;
      this.agent.destroy();
      this.agent = undefined;
    }
    if (this.agent === undefined) {
      // lifo (the default): the most recently pooled socket is the one reused, so `lastPooled` is its age
      const agent = new (https ? HttpsAgent : HttpAgent)({ keepAlive: true, scheduling: 'lifo' });
      const keepSocketAlive = agent.keepSocketAlive.bind(agent);
      agent.keepSocketAlive = (socket) => {
        this.lastPooled = Date.now();
        return keepSocketAlive(socket);
      };
      this.agent = agent;
    }
    return this.agent;
  }

  private post(target: URL, headers: Record<string, string>, payload: Buffer | string, eventId: string | undefined, mayRetry: boolean) {
    const https = target.protocol === 'https:';
    const request = https ? httpsRequest : httpRequest;
    return new Promise<{ statusCode?: number; headers: { 'retry-after': string | null; 'x-sentry-rate-limits': string | null } }>((resolve, reject) => {
      if (eventId !== undefined && this.abandoned.has(eventId)) {
        reject(Object.assign(new Error('given up at the flush bound'), { code: 'ABANDONED' }));
        return;
      }
      const req = request(target, { method: 'POST', headers, agent: mayRetry ? this.agentFor(https) : false }, (res) => {
        res.resume(); // the body ({"id": ...}) is not needed
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            statusCode: res.statusCode,
            headers: {
              'retry-after': (res.headers['retry-after'] as string | undefined) ?? null,
              'x-sentry-rate-limits': (res.headers['x-sentry-rate-limits'] as string | undefined) ?? null,
            },
          }),
        );
      });
      if (eventId !== undefined) this.inflight.set(eventId, req);
      req.on('close', () => {
        if (eventId !== undefined && this.inflight.get(eventId) === req) this.inflight.delete(eventId);
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        // a kept-alive connection the server closed while it sat in the pool: once more, on a new connection (no pool)
        if (mayRetry && isRetryable(req, error)) resolve(this.post(target, headers, payload, eventId, false));
        else reject(error);
      });
      req.end(payload);
    });
  }

  /**
   * What ServerRuntimeClient's `_prepareEvent` and core's `prepareEvent` do for an event of ours (no global or
   * isolation scope, no event processors besides linked errors, no breadcrumbs, no sessions or spans), in order.
   */
  private prepare(event: Event, hint: EventHint, data: InvocationData, extras: CaptureExtras): Event {
    // ServerRuntimeClient: platform and runtime
    event.platform = 'node';
    event.server_name = serverName();
    event.contexts = { ...event.contexts, runtime: { name: 'node', version: process.version } };
    // preprocessEvent: linkedErrorsIntegration
    this.core.applyAggregateErrorsToEvent(this.core.exceptionFromError, this.stackParser, LINKED_ERRORS_KEY, LINKED_ERRORS_LIMIT, event, hint);
    // prepareEvent: id, time, client options, debug ids (source maps uploaded with debug ids), the mechanism
    event.event_id = hint.event_id;
    event.timestamp = this.core.dateTimestampInSeconds();
    event.environment = this.environment;
    if (this.release !== undefined) event.release = this.release;
    const files = new Set<string>();
    for (const exception of event.exception?.values ?? [])
      for (const frame of exception.stacktrace?.frames ?? []) if (frame.filename) files.add(frame.filename);
    if (files.size > 0) {
      const images = this.core.getDebugImagesForResources(this.stackParser, [...files]);
      if (images.length > 0) event.debug_meta = { images };
    }
    if (hint.mechanism) this.core.addExceptionMechanism(event, hint.mechanism);
    // the scope's data (applyScopeDataToEvent): the event's own keys win over the scope's
    const extra = { ...extras.extra };
    if (Object.keys(extra).length > 0) event.extra = { ...extra, ...event.extra };
    const tags = { ...data.tags, ...extras.tags };
    if (Object.keys(tags).length > 0) event.tags = { ...tags, ...event.tags };
    event.contexts = { ...data.contexts, ...event.contexts };
    // what @sentry/node's Context integration adds (processEvent: after the scope data)
    event.contexts = { ...event.contexts, ...nodeContexts() };
    if (data.transaction) event.transaction = data.transaction;
    if (extras.breadcrumbs?.length) event.breadcrumbs = [...extras.breadcrumbs] as Event['breadcrumbs'];
    if (extras.fingerprint?.length) event.fingerprint = [...(event.fingerprint ?? []), ...extras.fingerprint];
    // a fresh trace per event, as a fresh scope's propagation context gives (Client._prepareEvent)
    const traceId = this.core.generateTraceId();
    event.contexts = { trace: { trace_id: traceId, span_id: this.core.generateSpanId() }, ...event.contexts };
    event.sdkProcessingMetadata = {
      dynamicSamplingContext: { environment: this.environment, release: this.release, public_key: this.dsn.publicKey, trace_id: traceId },
    };
    // normalizeEvent
    if (event.extra) event.extra = this.core.normalize(event.extra, NORMALIZE_DEPTH, NORMALIZE_BREADTH) as Event['extra'];
    const trace = event.contexts.trace;
    event.contexts = this.core.normalize(event.contexts, NORMALIZE_DEPTH, NORMALIZE_BREADTH) as Event['contexts'];
    event.contexts!.trace = trace;
    return event;
  }

  /** Builds, filters and sends one event; the outcome settles with the transport's answer. */
  private async process(event: Event, hint: EventHint, data: InvocationData, extras: CaptureExtras): Promise<Outcome> {
    const prepared = this.prepare(event, hint, data, extras) as ErrorEvent;
    let kept: ErrorEvent | null;
    try {
      kept = this.userBeforeSend === undefined ? prepared : await this.userBeforeSend(prepared, hint);
    } catch (e) {
      return { delivered: false, reason: `beforeSend threw ${e instanceof Error ? e.name : typeof e}` };
    }
    if (kept === null) return { delivered: false, dropped: true, reason: 'dropped by beforeSend' };
    // Last step before the envelope: no registered secret leaves the process.
    const envelope = this.core.createEventEnvelope(boundEvent(redactDeep(kept)), this.dsn, this.metadata);
    try {
      const response = await this.transport.send(envelope);
      if (isOk(response.statusCode)) return { delivered: true };
      // No status: the transport did not send it (rate limited, or its buffer full).
      if (response.statusCode !== undefined) return { delivered: false, reason: `HTTP ${response.statusCode}` };
      // why, from what this reporter knows itself (the rate limits of Sentry's last answers), not the transport's words
      return {
        delivered: false,
        reason: this.core.isRateLimited(this.rateLimits, 'error')
          ? 'not sent: Sentry rate limited this project (backing off as its last answer said)'
          : `not sent by the transport: its send queue (${QUEUE_SIZE}) was full`,
      };
    } catch (e) {
      const error = e as NodeJS.ErrnoException;
      return { delivered: false, reason: error.code ?? error.message };
    }
  }

  /** One capture: its id chosen first, its outcome tracked, abandoned at the caller's bound. */
  private track(eventId: string, build: (hint: EventHint) => Event, hint: EventHint, data: InvocationData, extras: CaptureExtras): Capture {
    const fullHint = { event_id: eventId, ...hint };
    let settle!: (o: Outcome) => void;
    const outcome = new Promise<Outcome>((resolve) => (settle = resolve));
    let settled = false;
    const done = (o: Outcome): void => {
      if (!settled) (settled = true), settle(o);
    };
    try {
      const event = build(fullHint);
      this.process(event, fullHint, data, extras)
        .then(done, (e: unknown) => done({ delivered: false, reason: thrownMessage(e) }))
        .finally(() => this.abandoned.delete(eventId));
    } catch (e) {
      done({ delivered: false, reason: `event not built: ${thrownMessage(e)}` });
    }
    return {
      eventId,
      outcome,
      abandon: () => {
        // the event may not be on the wire yet (still being built, or waiting in the transport): it never will be
        this.abandoned.add(eventId);
        this.inflight.get(eventId)?.destroy(new Error('Sentry flush bound reached'));
        done({ delivered: false, reason: 'timed out' });
      },
    };
  }

  /**
   * `invocation` (the request id) tells a rethrown error apart: the same error object thrown again by a later
   * invocation (a cached init failure) is reported again, while one already captured in this invocation, or by
   * another Sentry SDK (the user's own `captureException`), is not reported twice.
   */
  captureError(
    eventId: string,
    error: unknown,
    data: InvocationData,
    extra: Record<string, unknown>,
    invocation: string | undefined,
    breadcrumbs: readonly Record<string, unknown>[] = [],
  ): Capture {
    const isObject = error !== null && typeof error === 'object';
    const capturedFor = isObject ? this.capturedFor.get(error) : undefined;
    if (isCapturedBySentry(error) && capturedFor !== undefined && capturedFor !== invocation) forgetCaptured(error);
    if (isObject) this.capturedFor.set(error, invocation);
    // Marks it as captured, as Client.captureException does, so that another Sentry SDK does not send it again.
    if (this.core.checkOrSetAlreadyCaught(error)) {
      return { eventId: undefined, outcome: Promise.resolve({ delivered: false, dropped: true, reason: 'already captured' }), abandon: () => {} };
    }
    // an AggregateError of thousands of members: built from a stand-in with the first ones (bounded-error.ts)
    const reported = boundedForSentry(error);
    return this.track(
      eventId,
      (hint) => ({ ...this.core.eventFromUnknownInput(NO_CLIENT, this.stackParser, reported, hint), level: 'error' }),
      { originalException: reported, mechanism: MECHANISM },
      data,
      { extra, breadcrumbs },
    );
  }

  captureMessage(eventId: string, message: string, level: SeverityLevel, data: InvocationData, extras: CaptureExtras = {}): Capture {
    return this.track(eventId, (hint) => this.core.eventFromMessage(this.stackParser, message, level, hint), {}, data, extras);
  }
}

export const createReporter = (config: ReporterConfig): Reporter => new Reporter(config);
