// HTTP request events, as API Gateway (REST API v1 proxy integration, HTTP API payload format 2.0), Lambda Function
// URLs, ALB and VPC Lattice (v1, v2) send them, with a payload as the body; each passes the matching schema of
// @aws-lambda-powertools/parser (test/http.test.ts). The CLI's `--event apigw-v1|apigw-v2|url` builds them here.
import { randomBytes, randomUUID } from 'node:crypto';
import { type OptionRule, is } from '@lambdaware/shared';
import { checkOption, optionError } from './util.js';

/** Options of the HTTP event builders. */
export interface HttpEventOptions {
  /** Default `POST`. */
  method?: string;
  /** Default `/`. Its query string, if any, becomes the query parameters. */
  path?: string;
  /** Extra request headers (lower-case names are used as given). */
  headers?: Record<string, string>;
  /** The route's path parameters (API Gateway REST and HTTP API). Default: REST `{ proxy }`, HTTP API none. */
  pathParameters?: Record<string, string>;
  /** Send the body base64-encoded (`isBase64Encoded: true`), as the services do for a binary content type. */
  base64?: boolean;
}

const STRING_MAP = is.custom('an object of strings', (v) => is.object.test(v) && Object.values(v as object).every((x) => typeof x === 'string'));
const RULES: Record<string, OptionRule> = {
  method: is.custom('an HTTP method (letters)', (v) => typeof v === 'string' && /^[A-Za-z]+$/.test(v)),
  path: is.string(),
  headers: STRING_MAP,
  pathParameters: STRING_MAP,
  base64: is.boolean,
  multiValue: is.boolean,
};

/** Checks the options of an HTTP builder: known keys only (those of `allowed`), each by its rule. */
function checkHttpOptions(builder: string, options: unknown, allowed: readonly string[]): void {
  if (options === undefined) return;
  if (!is.object.test(options)) throw optionError(builder, 'options', { expected: 'an object', value: options });
  for (const [key, value] of Object.entries(options as Record<string, unknown>)) {
    if (!allowed.includes(key)) throw optionError(builder, key, { problem: `is not an option of ${builder}() (options: ${allowed.join(', ')})` });
    if (value !== undefined) checkOption(builder, key, value, RULES[key]);
  }
}
const GATEWAY_OPTIONS = ['method', 'path', 'headers', 'pathParameters', 'base64'] as const;
const ALB_OPTIONS = ['method', 'path', 'headers', 'base64', 'multiValue'] as const;
const LATTICE_OPTIONS = ['method', 'path', 'headers', 'base64'] as const;

/** The body as sent: JSON for an object, a string as it is, base64 with `base64: true`; null without a payload. */
function body(payload: unknown, base64 = false): string | null {
  if (payload === undefined) return null;
  const text = typeof payload === 'string' ? payload : payload instanceof Uint8Array ? undefined : JSON.stringify(payload);
  if (text === undefined) return Buffer.from(payload as Uint8Array).toString(base64 ? 'base64' : 'utf8');
  return base64 ? Buffer.from(text).toString('base64') : text;
}

/** One more value of a query key: own keys only, so `valueOf` or `__proto__` is a key like any other. */
function addQuery(query: Record<string, string[]>, key: string, value: string): void {
  if (Object.hasOwn(query, key)) query[key].push(value);
  else Object.defineProperty(query, key, { value: [value], enumerable: true, writable: true, configurable: true });
}

function splitPath(path: string): { rawPath: string; rawQueryString: string; query: Record<string, string[]> } {
  const url = new URL(path.startsWith('/') ? path : `/${path}`, 'https://localhost');
  const query: Record<string, string[]> = {};
  for (const [key, value] of url.searchParams) addQuery(query, key, value);
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
  checkHttpOptions('apiGatewayV1Event', options, GATEWAY_OPTIONS);
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
    pathParameters: options.pathParameters ?? { proxy: rawPath.replace(/^\//, '') },
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
      identity: {
        sourceIp: '127.0.0.1',
        userAgent: 'lambdaware-invoke',
        accessKey: null,
        accountId: null,
        caller: null,
        user: null,
        userArn: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        apiKey: null,
        apiKeyId: null,
        clientCert: null,
      },
      authorizer: null,
    },
    body: body(payload, options.base64),
    isBase64Encoded: options.base64 === true,
  };
}

function v2Event(kind: 'apigw-v2' | 'url', payload: unknown, options: HttpEventOptions): Record<string, unknown> {
  const method = (options.method ?? 'POST').toUpperCase();
  const { rawPath, rawQueryString, query } = splitPath(options.path ?? '/');
  const now = Date.now();
  const apiId = kind === 'url' ? 'abcdefghijklmnopqrstuvwxyz012345' : 'abcdef1234';
  const domainName = kind === 'url' ? `${apiId}.lambda-url.us-east-1.on.aws` : `${apiId}.execute-api.us-east-1.amazonaws.com`;
  const text = body(payload, options.base64);
  const headers: Record<string, string> = {
    accept: '*/*',
    'content-length': String(text === null ? 0 : options.base64 ? Buffer.from(text, 'base64').length : Buffer.byteLength(text)),
    'content-type': 'application/json',
    host: domainName,
    'user-agent': 'lambdaware-invoke',
    'x-amzn-trace-id': traceHeader(now),
    'x-forwarded-for': '127.0.0.1',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    ...options.headers,
  };
  // A Function URL has one route, `$default` (as AWS documents its payload and Powertools' schema requires).
  const routeKey = kind === 'url' ? '$default' : `${method} ${rawPath}`;
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v.join(',')])) } : {}),
    ...(options.pathParameters === undefined ? {} : { pathParameters: options.pathParameters }),
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
    isBase64Encoded: options.base64 === true,
  };
  return event;
}

/** An API Gateway HTTP API (payload format 2.0) request event with the payload as its body. */
export function apiGatewayV2Event(payload?: unknown, options: HttpEventOptions = {}): Record<string, unknown> {
  checkHttpOptions('apiGatewayV2Event', options, GATEWAY_OPTIONS);
  return v2Event('apigw-v2', payload, options);
}

/** A Lambda Function URL request event with the payload as its body. */
export function functionUrlEvent(payload?: unknown, options: HttpEventOptions = {}): Record<string, unknown> {
  checkHttpOptions('functionUrlEvent', options, GATEWAY_OPTIONS);
  return v2Event('url', payload, options);
}

/** Options of `albEvent()`. */
export interface AlbEventOptions extends Omit<HttpEventOptions, 'pathParameters'> {
  /** The target group's multi-value headers mode: `multiValueHeaders` and `multiValueQueryStringParameters` only. */
  multiValue?: boolean;
}

/**
 * An Application Load Balancer request event (Lambda target) with the payload as its body. As ALB sends them: the
 * query string still URL-encoded, `body` `""` without a payload, lower-case header names.
 */
export function albEvent(payload?: unknown, options: AlbEventOptions = {}): Record<string, unknown> {
  checkHttpOptions('albEvent', options, ALB_OPTIONS);
  const method = (options.method ?? 'POST').toUpperCase();
  const path = options.path ?? '/';
  const at = path.indexOf('?');
  const rawPath = at === -1 ? path : path.slice(0, at);
  const query: Record<string, string[]> = {};
  // ALB does not decode the query string: keys and values are given as the client sent them.
  if (at !== -1) {
    for (const pair of path.slice(at + 1).split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      addQuery(query, eq === -1 ? pair : pair.slice(0, eq), eq === -1 ? '' : pair.slice(eq + 1));
    }
  }
  const headers: Record<string, string> = {
    accept: '*/*',
    'content-type': 'application/json',
    host: 'lambda-alb-123578498.us-east-1.elb.amazonaws.com',
    'user-agent': 'lambdaware-invoke',
    'x-amzn-trace-id': traceHeader(Date.now()),
    'x-forwarded-for': '127.0.0.1',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    ...options.headers,
  };
  const text = body(payload, options.base64);
  const event: Record<string, unknown> = {
    requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/lambda-target/49e9d65c45c6791a' } },
    httpMethod: method,
    path: rawPath,
  };
  if (options.multiValue === true) {
    event.multiValueQueryStringParameters = query;
    event.multiValueHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
  } else {
    event.queryStringParameters = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v.at(-1)]));
    event.headers = headers;
  }
  event.body = text ?? '';
  event.isBase64Encoded = options.base64 === true;
  return event;
}

/** Options of the VPC Lattice builders. */
export type VpcLatticeEventOptions = Omit<HttpEventOptions, 'pathParameters'>;

function latticeParts(payload: unknown, options: VpcLatticeEventOptions) {
  const { rawPath, query } = splitPath(options.path ?? '/');
  const headers: Record<string, string> = {
    accept: '*/*',
    'content-type': 'application/json',
    host: 'orders-0a40eebed65f8d69c.7d67968.vpc-lattice-svcs.us-east-1.on.aws',
    'user-agent': 'lambdaware-invoke',
    'x-forwarded-for': '10.0.0.12',
    ...options.headers,
  };
  return {
    method: (options.method ?? 'POST').toUpperCase(),
    rawPath,
    // One value per key, as Powertools' schemas have it (the last of a repeated key).
    query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v.at(-1) as string])),
    headers,
    text: body(payload, options.base64),
  };
}

/** A VPC Lattice request event, payload version 1 (snake_case keys), with the payload as its body. */
export function vpcLatticeEvent(payload?: unknown, options: VpcLatticeEventOptions = {}): Record<string, unknown> {
  checkHttpOptions('vpcLatticeEvent', options, LATTICE_OPTIONS);
  const p = latticeParts(payload, options);
  return {
    raw_path: p.rawPath,
    method: p.method,
    headers: p.headers,
    query_string_parameters: p.query,
    body: p.text ?? '',
    is_base64_encoded: options.base64 === true,
  };
}

/** A VPC Lattice request event, payload version 2.0, with the payload as its body. */
export function vpcLatticeV2Event(payload?: unknown, options: VpcLatticeEventOptions = {}): Record<string, unknown> {
  checkHttpOptions('vpcLatticeV2Event', options, LATTICE_OPTIONS);
  const p = latticeParts(payload, options);
  return {
    version: '2.0',
    path: p.rawPath,
    method: p.method,
    headers: p.headers,
    ...(Object.keys(p.query).length > 0 ? { queryStringParameters: p.query } : {}),
    ...(p.text === null ? {} : { body: p.text }),
    isBase64Encoded: options.base64 === true,
    requestContext: {
      serviceNetworkArn: 'arn:aws:vpc-lattice:us-east-1:123456789012:servicenetwork/sn-0bf3f2882e9cc805a',
      serviceArn: 'arn:aws:vpc-lattice:us-east-1:123456789012:service/svc-0a40eebed65f8d69c',
      targetGroupArn: 'arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-6d0ecf831eec9f09',
      identity: {
        sourceVpcArn: 'arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0b8276c84697e7339',
        type: 'AWS_IAM',
        principal: 'arn:aws:iam::123456789012:role/caller',
      },
      region: 'us-east-1',
      timeEpoch: `${Date.now()}000`,
    },
  };
}
