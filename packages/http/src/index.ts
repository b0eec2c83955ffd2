export { http, type HttpOptions, type HttpRequest, type HttpContext, type RequestOf, type ClientErrorMode } from './http.js';
export { HttpEventError, HttpOptionError, HttpRequestError } from './errors.js';
export { type ClientErrorBody, type RequestIssue, MAX_ISSUES } from './answer.js';
export type { HttpSource, QueryValues } from './events.js';
