// The only module that imports the Sentry SDK. index.ts loads it with a dynamic import(), and only when a DSN is
// set, so a function without Sentry never pays for it.
import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  SDK_VERSION,
  Scope,
  ServerRuntimeClient,
  createStackParser,
  createTransport,
  linkedErrorsIntegration,
  nodeStackLineParser,
  uuid4,
  isAlreadyCaptured,
  type ErrorEvent,
  type EventHint,
  type SeverityLevel,
} from '@sentry/core/server';
import { redactDeep } from '@lambdaware/shared';
import type { InvocationData } from './context.js';

/** What became of one event. */
export interface Outcome {
  delivered: boolean;
  /** Why it was not delivered: 'HTTP 500', 'ECONNREFUSED', 'rate limited', 'dropped by beforeSend', 'timed out'. */
  reason?: string;
  /** True when the user's beforeSend dropped it on purpose (not a delivery failure). */
  dropped?: boolean;
}

export interface ReporterConfig {
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
 * A Sentry client of its own (no global hub, no integrations beyond linked errors), an http(s) transport that
 * reports per event whether Sentry accepted it, and a fresh scope per capture.
 */
export class Reporter {
  readonly client: ServerRuntimeClient;
  private readonly pending = new Map<string, (outcome: Outcome) => void>();
  private readonly inflight = new Map<string, ClientRequest>();
  private readonly capturedFor = new WeakMap<object, string | undefined>();

  constructor(config: ReporterConfig) {
    const stackParser = createStackParser(nodeStackLineParser());
    const gzipThreshold = config.gzipThreshold ?? 32 * 1024;
    const settle = (eventId: string | undefined, outcome: Outcome): void => {
      if (eventId === undefined) return;
      const resolve = this.pending.get(eventId);
      this.pending.delete(eventId);
      resolve?.(outcome);
    };
    const userBeforeSend = config.beforeSend;
    this.client = new ServerRuntimeClient({
      dsn: config.dsn,
      environment: config.environment,
      release: config.release,
      platform: 'node',
      runtime: { name: 'node', version: process.version },
      stackParser,
      integrations: [linkedErrorsIntegration()],
      sendClientReports: false,
      normalizeDepth: 6,
      _metadata: { sdk: { name: 'sentry.javascript.lambdaware', version: SDK_VERSION, packages: [{ name: 'npm:@lambdaware/sentry', version: SDK_VERSION }] } },
      beforeSend: async (event, hint) => {
        const kept = userBeforeSend === undefined ? event : await userBeforeSend(event, hint);
        if (kept === null) settle(event.event_id, { delivered: false, dropped: true, reason: 'dropped by beforeSend' });
        // Last step before the envelope: no registered secret leaves the process.
        return kept === null ? null : redactDeep(kept);
      },
      transport: (options) =>
        createTransport(options, ({ body }) => {
          const eventId = eventIdOfEnvelope(body);
          return new Promise((resolve, reject) => {
            void this.send(options.url, body, gzipThreshold, eventId).then(
              (response) => {
                const ok = response.statusCode !== undefined && response.statusCode >= 200 && response.statusCode < 300;
                settle(eventId, ok ? { delivered: true } : { delivered: false, reason: `HTTP ${response.statusCode}` });
                resolve(response);
              },
              (error: NodeJS.ErrnoException) => {
                settle(eventId, { delivered: false, reason: error.code ?? error.message });
                reject(error);
              },
            );
          });
        }),
    });
    // Sent or not sent without a request (rate limited, buffer full, transport error): the event is settled here.
    this.client.on('afterSendEvent', (event, response) => {
      const ok = response.statusCode !== undefined && response.statusCode >= 200 && response.statusCode < 300;
      settle(event.event_id, ok ? { delivered: true } : { delivered: false, reason: response.statusCode === undefined ? 'not sent (rate limited or dropped)' : `HTTP ${response.statusCode}` });
    });
    this.client.init();
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
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<{ statusCode?: number; headers: { 'retry-after': string | null; 'x-sentry-rate-limits': string | null } }>((resolve, reject) => {
      const req = request(target, { method: 'POST', headers, agent: false }, (res) => {
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
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** A capture whose outcome is tracked; `fill` puts the invocation's data on the event's own fresh scope. */
  private track(capture: (scope: Scope, eventId: string) => void, data: InvocationData, fill?: (scope: Scope) => void): Capture {
    const scope = new Scope();
    scope.setTags(data.tags);
    for (const [name, value] of Object.entries(data.contexts)) scope.setContext(name, value);
    if (data.transaction) scope.setTransactionName(data.transaction);
    fill?.(scope);
    let settleLocal!: (o: Outcome) => void;
    const outcome = new Promise<Outcome>((resolve) => (settleLocal = resolve));
    // The id is chosen here (the hint's event_id wins in the SDK), so the outcome is registered before any send.
    const eventId = uuid4();
    this.pending.set(eventId, settleLocal);
    capture(scope, eventId);
    return {
      eventId,
      outcome,
      abandon: () => {
        this.pending.delete(eventId);
        this.inflight.get(eventId)?.destroy(new Error('Sentry flush bound reached'));
        settleLocal({ delivered: false, reason: 'timed out' });
      },
    };
  }

  /**
   * `invocation` (the request id) tells a rethrown error apart: the same error object thrown again by a later
   * invocation (a cached init failure) is reported again, while one already captured in this invocation, or by
   * another Sentry SDK (the user's own `captureException`), is not reported twice.
   */
  captureError(error: unknown, data: InvocationData, extra: Record<string, unknown>, invocation: string | undefined): Capture {
    const isObject = error !== null && typeof error === 'object';
    const capturedFor = isObject ? this.capturedFor.get(error) : undefined;
    if (isAlreadyCaptured(error) && capturedFor !== undefined && capturedFor !== invocation) {
      try {
        delete (error as { __sentry_captured__?: unknown }).__sentry_captured__;
      } catch {
        // a frozen error: Sentry keeps it de-duplicated
      }
    }
    if (isObject) this.capturedFor.set(error, invocation);
    if (isAlreadyCaptured(error)) {
      return { eventId: undefined, outcome: Promise.resolve({ delivered: false, dropped: true, reason: 'already captured' }), abandon: () => {} };
    }
    return this.track(
      (scope, eventId) => this.client.captureException(error, { event_id: eventId, originalException: error, mechanism: { type: 'auto.middleware.lambdaware.sentry', handled: false } }, scope),
      data,
      (scope) => {
        if (Object.keys(extra).length > 0) scope.setExtras(extra);
      },
    );
  }

  captureMessage(message: string, level: SeverityLevel, data: InvocationData, fill?: (scope: Scope) => void): Capture {
    return this.track((scope, eventId) => this.client.captureMessage(message, level, { event_id: eventId }, scope), data, fill);
  }
}

export const createReporter = (config: ReporterConfig): Reporter => new Reporter(config);
