import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { applyEnv } from './env.js';

/**
 * The small HTTP server under the local AWS endpoints of the testkit (SSM, AppConfig Data, the Parameters and
 * Secrets extension): 127.0.0.1 on an ephemeral port, the request body read whole, answers delayed by a tracked
 * timer (cleared on close), open sockets destroyed on close.
 */

/** An answer: status, headers, body (a string or bytes; an object is sent as JSON). */
export interface HttpAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array | object;
}

export interface HttpEndpoint {
  url: string;
  port: number;
  /** Sends `answer` now, or `delayMs` later (a hung request when it is longer than the test). */
  send(res: ServerResponse, answer: HttpAnswer, delayMs?: number): void;
  close(): Promise<void>;
}

const bodyOf = (body: HttpAnswer['body']): { bytes: Buffer; json: boolean } => {
  if (body === undefined) return { bytes: Buffer.alloc(0), json: false };
  if (typeof body === 'string') return { bytes: Buffer.from(body, 'utf8'), json: false };
  if (body instanceof Uint8Array) return { bytes: Buffer.from(body), json: false };
  return { bytes: Buffer.from(JSON.stringify(body), 'utf8'), json: true };
};

export const startHttpEndpoint = async (
  handle: (req: IncomingMessage, res: ServerResponse, body: string, endpoint: HttpEndpoint) => void,
  port = 0,
): Promise<HttpEndpoint> => {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let endpoint: HttpEndpoint | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8'), endpoint!));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const write = (res: ServerResponse, answer: HttpAnswer): void => {
    if (res.destroyed || res.writableEnded) return;
    const { bytes, json } = bodyOf(answer.body);
    res.writeHead(answer.status, {
      ...(json ? { 'content-type': 'application/json' } : {}),
      ...answer.headers,
      'content-length': bytes.length,
    });
    res.end(bytes);
  };
  endpoint = {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    send: (res, answer, delayMs = 0) => {
      if (delayMs <= 0) return write(res, answer);
      const timer = setTimeout(() => {
        timers.delete(timer);
        write(res, answer);
      }, delayMs);
      timers.add(timer);
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return endpoint;
};

/** A fault script: rules applied in order, each `times` times (default 1; Infinity for all). */
export class FaultRules<F extends { times?: number }> {
  private rules: { spec: F; left: number }[] = [];

  /** Replaces the script (a rule or a list); `set()` clears it. */
  set(faults?: F | F[]): void {
    this.rules = [];
    if (faults !== undefined) this.add(...(Array.isArray(faults) ? faults : [faults]));
  }

  add(...faults: F[]): void {
    for (const spec of faults) this.rules.push({ spec, left: spec.times ?? 1 });
  }

  /** The first rule with `times` left that `matches`; one of its times is used. */
  take(matches: (spec: F) => boolean): F | undefined {
    const rule = this.rules.find((r) => r.left > 0 && matches(r.spec));
    if (rule !== undefined) rule.left -= 1;
    return rule?.spec;
  }
}

/** What points the AWS SDK at a local endpoint: its endpoint variable, dummy credentials, the region. */
export const localAwsEnv = (endpointVariable: string, url: string, region: string): Record<string, string> => ({
  [endpointVariable]: url,
  AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
  AWS_SECRET_ACCESS_KEY: 'local-test-secret-key',
  AWS_REGION: region,
});

/** The part of a fault rule that decides how a call ends: its connection dropped, or its answer delayed. */
export interface CallFault {
  drop?: boolean;
  delayMs?: number;
}

/**
 * Ends one recorded call of a local AWS endpoint: with `fault.drop`, the connection destroyed (outcome 'drop'); else
 * `answer` (with an `x-amzn-requestid`) sent, `fault.delayMs` later when set, the call's outcome `outcomeOf(answer)`,
 * prefixed `delay+` for a delayed one.
 */
export const endCall = (
  req: IncomingMessage,
  res: ServerResponse,
  http: HttpEndpoint,
  call: { outcome: string },
  fault: CallFault | undefined,
  answerOf: () => HttpAnswer,
  outcomeOf: (answer: HttpAnswer & { headers: Record<string, string> }) => string,
): void => {
  if (fault?.drop === true) {
    call.outcome = 'drop';
    req.socket.destroy();
    return;
  }
  const answer = answerOf();
  const headers = { 'x-amzn-requestid': randomUUID(), ...answer.headers };
  call.outcome = outcomeOf({ ...answer, headers });
  if ((fault?.delayMs ?? 0) > 0) call.outcome = `delay+${call.outcome}`;
  http.send(res, { ...answer, headers }, fault?.delayMs);
};

/** A local AWS endpoint started: its server, the environment that points the SDK at it, and (with `setEnv`) that set. */
export const startLocalAwsEndpoint = async (
  handle: Parameters<typeof startHttpEndpoint>[0],
  endpointVariable: string,
  region: string,
  setEnv: boolean | undefined,
): Promise<{ http: HttpEndpoint; env: Record<string, string>; restoreEnv: () => void }> => {
  const http = await startHttpEndpoint(handle);
  const env = localAwsEnv(endpointVariable, http.url, region);
  return { http, env, restoreEnv: setEnv === true ? applyEnv(env) : () => {} };
};
