import { gunzipSync } from 'node:zlib';
import { cutString, thrownMessage } from '@lambdaware/shared';
import type { RecordFailure } from './types.js';

/** Reading a record's text and bytes (JSON with a clear error, UTF-8, base64, gzip), and the problem a bad one gives. */

/** Thrown while decoding one record; becomes its RecordFailure. */
export class RecordProblem {
  constructor(
    readonly kind: RecordFailure['kind'],
    readonly reason: string,
    readonly source?: string,
  ) {}
}

/** The RecordProblem of a thrown value: itself, or (an unexpected error, e.g. a RangeError on absurdly nested input) one saying so. */
export const problemOf = (e: unknown): RecordProblem =>
  e instanceof RecordProblem ? e : new RecordProblem('shape', `the record could not be decoded: ${cutString(thrownMessage(e, true), 300)}`);

/** What tryParse() returns for text that is not JSON (JSON.parse never returns a symbol). */
export const NOT_JSON: unique symbol = Symbol('not JSON');

export const tryParse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
};

/**
 * Why the text is not JSON, never quoting it: V8's message for an unexpected character quotes a fragment of the input
 * (`Unexpected token 'o', "{"auth":tok-9f8e7d6"... is not valid JSON`), which may be a secret. That message becomes
 * `Unexpected token at position N`; V8's other messages name no input and are kept. Parsed again, only on the failure
 * path.
 */
export const jsonError = (text: string): string => {
  const message = parseErrorOf(text);
  if (message === undefined) return 'unexpected input';
  if (!message.startsWith('Unexpected token') && !message.includes('"')) return message;
  const at = badPosition(text);
  return at === undefined ? 'Unexpected token (not valid JSON)' : `Unexpected token at position ${at}`;
};

const parseErrorOf = (text: string): string | undefined => {
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    return thrownMessage(e);
  }
};

/** A prefix that is JSON, or could be the start of JSON (its error is at its end). */
const viablePrefix = (prefix: string): boolean => {
  const message = parseErrorOf(prefix);
  if (message === undefined || message.startsWith('Unexpected end')) return true;
  const at = /at position (\d+)/.exec(message)?.[1];
  return at !== undefined && Number(at) >= prefix.length;
};

/**
 * The position of the first character that cannot continue JSON: the shortest prefix that is not viable ends with it
 * (prefixes are viable up to that character and not from it on, so a binary search finds it in log2(n) parses).
 */
const badPosition = (text: string): number | undefined => {
  if (viablePrefix(text)) return undefined;
  let lo = 0; // viable (the empty prefix)
  let hi = text.length; // not viable
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (viablePrefix(text.slice(0, mid))) lo = mid;
    else hi = mid;
  }
  return hi - 1;
};

/** First non-blank character is `{`: worth trying to parse when looking for an envelope in text mode. */
export const looksLikeObject = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b) return true;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return false;
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes as UTF-8 text, or a RecordProblem saying they are not UTF-8 (never U+FFFD in their place). */
export const utf8Text = (bytes: Uint8Array, what: string, source?: string): string => {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new RecordProblem('parse', `${what} is not valid UTF-8 text (${bytes.length} bytes; use payload: 'bytes' for binary data)`, source);
  }
};

/**
 * Strict base64 (what AWS sends): a string that is not gives its own reason, not "not JSON". Node's decoder skips
 * characters outside the alphabet and stops at padding, so strict input is exactly the input whose decoded length is
 * 3/4 of its length less its padding (an O(1) check after decoding; a regex only words the reason). Like Node, it
 * also reads base64url's `-` and `_`.
 */
export const base64Bytes = (text: string, what: string, source?: string): Buffer => {
  const bytes = Buffer.from(text, 'base64');
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  if (text.length % 4 === 0 && bytes.length === (text.length / 4) * 3 - padding) return bytes;
  const bad = /[^A-Za-z0-9+/=_-]/.exec(text);
  throw new RecordProblem(
    'parse',
    `${what} is not valid base64 (${bad ? `a character outside the base64 alphabet at position ${bad.index}` : `length ${text.length} with misplaced padding or not a multiple of 4`})`,
    source,
  );
};

export const isGzip = (bytes: Uint8Array): boolean => bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** The most gzip data may decompress to (CloudWatch Logs batches are at most a few MB): beyond, it is refused. */
export const MAX_GUNZIPPED = 64 * 1024 * 1024;

export const gunzip = (bytes: Uint8Array, what: string, source?: string): Buffer => {
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_GUNZIPPED });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const why =
      code === 'ERR_BUFFER_TOO_LARGE' ? `decompresses to more than ${MAX_GUNZIPPED} bytes` : `does not decompress (${String(code ?? (e as Error).message)})`;
    throw new RecordProblem('parse', `${what} is gzip data that ${why}`, source);
  }
};

/** Data bytes as text: gunzipped when gzip (`what` then says so), then strict UTF-8. */
export const dataText = (bytes: Uint8Array, what: string, source?: string): { text: string; what: string } =>
  isGzip(bytes)
    ? { text: utf8Text(gunzip(bytes, what, source), `${what} (decompressed)`, source), what: `${what} (decompressed)` }
    : { text: utf8Text(bytes, what, source), what };
