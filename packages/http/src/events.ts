// The HTTP events Lambda receives, recognised and read into one shape: API Gateway REST (v1) and HTTP API (payload
// 2.0), ALB (single- and multi-value mode), Lambda Function URLs, VPC Lattice (v1 and v2).
import { isObject } from '@lambdaware/shared';

/** Which service sent the request (it decides the answer's format). */
export type HttpSource = 'apigw-v1' | 'apigw-v2' | 'function-url' | 'alb' | 'lattice-v1' | 'lattice-v2';

/** Query string (and form body) values: a string for a key given once, an array for a key repeated. */
export type QueryValues = Record<string, string | string[]>;

/** What one HTTP event holds, whatever its source. */
export interface RawRequest {
  source: HttpSource;
  method: string;
  /** The request path, without the query string. */
  rawPath: string;
  /** The content-type header, found without reading every header. */
  contentType: string | undefined;
  /** Lower-cased names; repeated headers joined with `, ` (cookies with `; `). Read on demand (not every handler does). */
  readHeaders(): Record<string, string>;
  /** Read on demand, as the headers. */
  readQuery(): QueryValues;
  /** Path parameters of the route (API Gateway); `{}` for the others. */
  path: Record<string, string>;
  body: string | undefined;
  isBase64Encoded: boolean;
  /** The ALB event used multi-value headers: its answer must too. */
  multiValue: boolean;
}

type Ev = Record<string, unknown>;

/** The source of an HTTP event, or undefined when the event is none of them. */
export const sourceOf = (e: unknown): HttpSource | undefined => {
  if (!isObject(e)) return undefined;
  const rc = e.requestContext;
  if (isObject(rc)) {
    if (isObject(rc.elb)) return 'alb';
    if (isObject(rc.http) && e.version === '2.0') {
      return typeof rc.domainName === 'string' && rc.domainName.includes('.lambda-url.') ? 'function-url' : 'apigw-v2';
    }
    if (typeof e.httpMethod === 'string') return 'apigw-v1';
  }
  if (typeof e.method === 'string') {
    if (typeof e.raw_path === 'string') return 'lattice-v1';
    if (e.version === '2.0' && typeof e.path === 'string') return 'lattice-v2';
  }
  return undefined;
};

/** Sets a key, `__proto__` included, without touching the prototype. */
const put = (o: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
};

/** Adds one value of a repeated key: a string the first time, an array from the second. */
export const addValue = (o: QueryValues, key: string, value: string): void => {
  const had = Object.hasOwn(o, key) ? o[key] : undefined;
  if (had === undefined) put(o, key, value);
  else if (Array.isArray(had)) had.push(value);
  else put(o, key, [had, value]);
};

/** `a=1&a=2&b=x+y` as `{ a: ['1', '2'], b: 'x y' }` (URL decoding of URLSearchParams). */
export const parseQueryString = (text: string): QueryValues => {
  const out: QueryValues = {};
  if (text === '') return out;
  for (const [key, value] of new URLSearchParams(text)) addValue(out, key, value);
  return out;
};

/** ALB passes query strings as the client sent them, still URL-encoded. */
const urlDecode = (text: string): string => {
  if (!/[%+]/.test(text)) return text;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text; // a malformed escape: kept as sent
  }
};

/** Query values from a single-value map and a multi-value map (either may be missing or null). */
const queryOf = (single: unknown, multi: unknown, decode: boolean): QueryValues => {
  const out: QueryValues = {};
  const d = decode ? urlDecode : (s: string) => s;
  if (isObject(multi)) {
    for (const [k, vs] of Object.entries(multi)) {
      if (Array.isArray(vs)) for (const v of vs) addValue(out, d(k), d(String(v)));
      else if (typeof vs === 'string') addValue(out, d(k), d(vs));
    }
    return out;
  }
  if (isObject(single)) {
    for (const [k, v] of Object.entries(single)) {
      if (Array.isArray(v)) for (const x of v) addValue(out, d(k), d(String(x)));
      else if (typeof v === 'string') addValue(out, d(k), d(v));
    }
  }
  return out;
};

/** Headers lower-cased, from a multi-value map when the event has one, else from the single-value map. */
const headersOf = (single: unknown, multi: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  const add = (name: string, value: string): void => {
    const key = name.toLowerCase();
    const had = Object.hasOwn(out, key) ? out[key] : undefined;
    put(out, key, had === undefined ? value : `${had}${key === 'cookie' ? '; ' : ', '}${value}`);
  };
  if (isObject(multi)) {
    for (const [k, vs] of Object.entries(multi)) {
      if (Array.isArray(vs)) for (const v of vs) add(k, String(v));
    }
    if (Object.keys(out).length > 0 || !isObject(single)) return out;
  }
  if (isObject(single)) {
    for (const [k, v] of Object.entries(single)) {
      if (typeof v === 'string') add(k, v);
      else if (Array.isArray(v)) add(k, v.map(String).join(', ')); // VPC Lattice v2 as AWS documents it: arrays
    }
  }
  return out;
};

/** The content-type header of a header map (single- or multi-value), any case; repeated values joined. */
const findHeader = (map: unknown): string | undefined => {
  if (!isObject(map)) return undefined;
  let v = map['content-type'];
  if (v === undefined) {
    for (const key of Object.keys(map)) {
      if (key.length === 12 && key.toLowerCase() === 'content-type') {
        v = map[key];
        break;
      }
    }
  }
  if (typeof v === 'string') return v;
  return Array.isArray(v) && v.length > 0 ? v.map(String).join(', ') : undefined;
};

const stringMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (isObject(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') put(out, k, x);
  return out;
};

const bodyOf = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Reads a recognised event (see sourceOf) into one shape. */
export const readRequest = (e: Ev, source: HttpSource): RawRequest => {
  const rc = (e.requestContext ?? {}) as Ev;
  switch (source) {
    case 'apigw-v1':
    case 'alb': {
      const multiValue = source === 'alb' && isObject(e.multiValueHeaders);
      return {
        source,
        method: String(e.httpMethod),
        rawPath: String(e.path ?? '/'),
        contentType: findHeader(e.multiValueHeaders) ?? findHeader(e.headers),
        readHeaders: () => headersOf(e.headers, e.multiValueHeaders),
        readQuery: () => queryOf(e.queryStringParameters, e.multiValueQueryStringParameters, source === 'alb'),
        path: stringMap(e.pathParameters),
        body: bodyOf(e.body),
        isBase64Encoded: e.isBase64Encoded === true,
        multiValue,
      };
    }
    case 'apigw-v2':
    case 'function-url': {
      const readHeaders = (): Record<string, string> => {
        const headers = headersOf(e.headers, undefined);
        // Payload 2.0 moves the Cookie header into `cookies`.
        if (Array.isArray(e.cookies) && e.cookies.length > 0 && headers.cookie === undefined) headers.cookie = e.cookies.join('; ');
        return headers;
      };
      const http = rc.http as Ev;
      return {
        source,
        method: String(http.method),
        rawPath: String(e.rawPath ?? http.path ?? '/'),
        contentType: findHeader(e.headers),
        readHeaders,
        // rawQueryString keeps repeated keys apart (queryStringParameters joins them with commas).
        readQuery: () =>
          typeof e.rawQueryString === 'string' ? parseQueryString(e.rawQueryString) : queryOf(splitCommas(e.queryStringParameters), undefined, false),
        path: stringMap(e.pathParameters),
        body: bodyOf(e.body),
        isBase64Encoded: e.isBase64Encoded === true,
        multiValue: false,
      };
    }
    case 'lattice-v1':
    case 'lattice-v2': {
      const v1 = source === 'lattice-v1';
      const rawPath = String(v1 ? e.raw_path : e.path);
      const at = rawPath.indexOf('?');
      return {
        source,
        method: String(e.method),
        rawPath: at === -1 ? rawPath : rawPath.slice(0, at),
        contentType: findHeader(e.headers),
        readHeaders: () => headersOf(e.headers, undefined),
        readQuery: () => queryOf(v1 ? e.query_string_parameters : e.queryStringParameters, undefined, false),
        path: {},
        body: bodyOf(e.body),
        isBase64Encoded: (v1 ? e.is_base64_encoded : e.isBase64Encoded) === true,
        multiValue: false,
      };
    }
  }
};

const splitCommas = (v: unknown): Record<string, string[]> | undefined => {
  if (!isObject(v)) return undefined;
  const out: Record<string, string[]> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') put(out, k, x.split(','));
  return out;
};
