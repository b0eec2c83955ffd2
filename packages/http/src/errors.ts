import { OptionsError, nameErrorClass } from '@lambdaware/shared';
import type { ClientErrorBody, RequestIssue } from './answer.js';

/** A bad option given to `http()`, thrown when the middleware is created (the shared OptionsError). */
export class HttpOptionError extends OptionsError {}
nameErrorClass(HttpOptionError, 'HttpOptionError');

/**
 * The event is not an HTTP request of a service `http()` knows (API Gateway REST or HTTP API, ALB, Function URL,
 * VPC Lattice): a wiring mistake, not a client's, so it fails the invocation (a 5xx, reported).
 */
export class HttpEventError extends Error {}
nameErrorClass(HttpEventError, 'HttpEventError');

/**
 * A bad request (400, 413 or 415). Thrown only with `clientErrors: 'report'`, so that the error line and Sentry
 * report it; `http()`'s onError then answers it in the event's format. `issues` names every bad field.
 */
export class HttpRequestError extends Error {
  readonly statusCode: number;
  readonly issues: RequestIssue[];

  constructor(statusCode: number, body: ClientErrorBody) {
    super(`HTTP ${statusCode}: ${body.message}`);
    this.statusCode = statusCode;
    this.issues = body.issues ?? [];
  }
}
nameErrorClass(HttpRequestError, 'HttpRequestError');
