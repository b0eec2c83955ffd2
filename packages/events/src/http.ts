// HTTP request events, as API Gateway (REST API v1 proxy integration, HTTP API payload format 2.0) and Lambda
// Function URLs send them, with a payload as the body. The CLI's `--event apigw-v1|apigw-v2|url` builds them here.
import { randomBytes, randomUUID } from 'node:crypto';

/** Options of the HTTP event builders. */
export interface HttpEventOptions {
  /** Default `POST`. */
  method?: string;
  /** Default `/`. Its query string, if any, becomes the query parameters. */
  path?: string;
  /** Extra request headers (lower-case names are used as given). */
  headers?: Record<string, string>;
}

function body(payload: unknown): string | null {
  if (payload === undefined) return null;
  return typeof payload === 'string' ? payload : JSON.stringify(payload);
}

function splitPath(path: string): { rawPath: string; rawQueryString: string; query: Record<string, string[]> } {
  const url = new URL(path.startsWith('/') ? path : `/${path}`, 'https://localhost');
  const query: Record<string, string[]> = {};
  for (const [key, value] of url.searchParams) (query[key] ??= []).push(value);
  return { rawPath: decodeURI(url.pathname), rawQueryString: url.search.slice(1), query };
}

function clfTime(date: Date): string {
  // 21/Apr/2020:15:08:21 +0000, the requestContext.time format
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

function traceHeader(now: number): string {
  return `Root=1-${Math.floor(now / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}

/** An API Gateway REST API (v1, proxy integration) request event with the payload as its body. */
export function apiGatewayV1Event(payload?: unknown, options: HttpEventOptions = {}): Record<string, unknown> {
  const method = (options.method ?? 'POST').toUpperCase();
  const { rawPath, query } = splitPath(options.path ?? '/');
  const now = Date.now();
  const headers: Record<string, string> = {
    Accept: '*/*',
    'Content-Type': 'application/json',
    Host: 'abcdef1234.execute-api.us-east-1.amazonaws.com',
    'User-Agent': 'lambdaware-invoke',
    'X-Amzn-Trace-Id': traceHeader(now),
    'X-Forwarded-For': '127.0.0.1',
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
    ...options.headers,
  };
  const hasQuery = Object.keys(query).length > 0;
  return {
    resource: '/{proxy+}',
    path: rawPath,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: hasQuery ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v.at(-1)])) : null,
    multiValueQueryStringParameters: hasQuery ? query : null,
    pathParameters: { proxy: rawPath.replace(/^\//, '') },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      resourceId: 'abc123',
      stage: 'prod',
      requestId: randomUUID(),
      extendedRequestId: randomBytes(10).toString('base64'),
      requestTime: clfTime(new Date(now)),
      requestTimeEpoch: now,
      path: `/prod${rawPath}`,
      protocol: 'HTTP/1.1',
      resourcePath: '/{proxy+}',
      httpMethod: method,
      apiId: 'abcdef1234',
      domainName: 'abcdef1234.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abcdef1234',
      identity: { sourceIp: '127.0.0.1', userAgent: 'lambdaware-invoke', accessKey: null, accountId: null, caller: null, user: null, userArn: null, cognitoIdentityId: null, cognitoIdentityPoolId: null, cognitoAuthenticationType: null, cognitoAuthenticationProvider: null, apiKey: null, apiKeyId: null, clientCert: null },
      authorizer: null,
    },
    body: body(payload),
    isBase64Encoded: false,
  };
}

function v2Event(kind: 'apigw-v2' | 'url', payload: unknown, options: HttpEventOptions): Record<string, unknown> {
  const method = (options.method ?? 'POST').toUpperCase();
  const { rawPath, rawQueryString, query } = splitPath(options.path ?? '/');
  const now = Date.now();
  const apiId = kind === 'url' ? 'abcdefghijklmnopqrstuvwxyz012345' : 'abcdef1234';
  const domainName = kind === 'url' ? `${apiId}.lambda-url.us-east-1.on.aws` : `${apiId}.execute-api.us-east-1.amazonaws.com`;
  const text = body(payload);
  const headers: Record<string, string> = {
    accept: '*/*',
    'content-length': String(text === null ? 0 : Buffer.byteLength(text)),
    'content-type': 'application/json',
    host: domainName,
    'user-agent': 'lambdaware-invoke',
    'x-amzn-trace-id': traceHeader(now),
    'x-forwarded-for': '127.0.0.1',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    ...options.headers,
  };
  const routeKey = kind === 'url' ? '$default' : `${method} ${rawPath}`;
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    headers,
    ...(Object.keys(query).length > 0
      ? { queryStringParameters: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v.join(',')])) }
      : {}),
    requestContext: {
      accountId: kind === 'url' ? 'anonymous' : '123456789012',
      apiId,
      domainName,
      domainPrefix: apiId,
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'lambdaware-invoke' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: clfTime(new Date(now)),
      timeEpoch: now,
    },
    ...(text === null ? {} : { body: text }),
    isBase64Encoded: false,
  };
  if (kind === 'url') delete event.routeKey;
  if (kind === 'url') delete (event.requestContext as Record<string, unknown>).routeKey;
  return event;
}

/** An API Gateway HTTP API (payload format 2.0) request event with the payload as its body. */
export function apiGatewayV2Event(payload?: unknown, options: HttpEventOptions = {}): Record<string, unknown> {
  return v2Event('apigw-v2', payload, options);
}

/** A Lambda Function URL request event with the payload as its body. */
export function functionUrlEvent(payload?: unknown, options: HttpEventOptions = {}): Record<string, unknown> {
  return v2Event('url', payload, options);
}
