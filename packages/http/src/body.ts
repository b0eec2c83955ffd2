// The request body: size checked, decoded (base64, charset) and parsed by its content type.
import { TextDecoder } from 'node:util';
import { utf8Length } from '@lambdaware/shared';
import { type QueryValues, parseQueryString } from './events.js';

/** Why a body could not be read: the status it is answered with, and what to tell the client. */
export interface BodyRefusal {
  status: 413 | 415 | 400;
  message: string;
}

export type BodyResult = { ok: true; body: unknown; contentType: string | undefined } | { ok: false; refusal: BodyRefusal };

/** The content types parsed, as the 415 answer lists them. */
export const PARSED_TYPES = 'application/json, application/*+json, application/x-www-form-urlencoded, text/*';

/** The media type (lower case, no parameters) and charset of a Content-Type header. */
export const parseContentType = (header: string): { type: string; charset: string | undefined } => {
  const semi = header.indexOf(';');
  const type = (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase();
  if (semi === -1) return { type, charset: undefined };
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(header);
  return { type, charset: m === null ? undefined : m[1].toLowerCase() };
};

type Kind = 'json' | 'form' | 'text' | undefined;
const kindOf = (type: string): Kind => {
  if (type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'))) return 'json';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  if (type.startsWith('text/')) return 'text';
  return undefined;
};

/** The decoded size in bytes of a base64 text (without decoding it). */
const base64Bytes = (text: string): number => {
  let pad = 0;
  if (text.endsWith('==')) pad = 2;
  else if (text.endsWith('=')) pad = 1;
  return Math.floor((text.length * 3) / 4) - pad;
};

/** The body's size in bytes, as the client sent it; computed only when it may be over `max`. */
const overLimit = (body: string, base64: boolean, max: number): number | undefined => {
  if (base64) {
    const n = base64Bytes(body);
    return n > max ? n : undefined;
  }
  if (body.length * 3 <= max) return undefined; // at most 3 UTF-8 bytes per UTF-16 unit
  const n = utf8Length(body);
  return n > max ? n : undefined;
};

const decoders = new Map<string, TextDecoder>();
/** Text of the body's bytes in the charset (WHATWG labels); undefined for a charset this runtime does not know. */
const textOf = (bytes: Buffer, charset: string | undefined): string | undefined => {
  if (charset === undefined || charset === 'utf-8' || charset === 'utf8') return stripBom(bytes.toString('utf8'));
  let d = decoders.get(charset);
  if (d === undefined) {
    try {
      d = new TextDecoder(charset);
    } catch {
      return undefined;
    }
    if (decoders.size < 32) decoders.set(charset, d);
  }
  return d.decode(bytes);
};

const stripBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

export interface BodyOptions {
  maxBodyBytes: number;
  defaultContentType: string | false;
  /** A body schema is given: a content type that cannot be parsed is refused (415) instead of passed on raw. */
  strict: boolean;
}

/**
 * Reads the body: undefined when there is none; parsed JSON, a form as {@link QueryValues}, text; for another content
 * type 415 when a body schema is given, else the body as sent (a string, or a Buffer when base64-encoded).
 */
export const readBody = (raw: string | undefined, base64: boolean, header: string | undefined, o: BodyOptions): BodyResult => {
  if (raw === undefined) return { ok: true, body: undefined, contentType: header };
  const size = overLimit(raw, base64, o.maxBodyBytes);
  if (size !== undefined) {
    return { ok: false, refusal: { status: 413, message: `The request body is ${size} bytes, over the limit of ${o.maxBodyBytes} bytes` } };
  }
  const given = header ?? (o.defaultContentType === false ? undefined : o.defaultContentType);
  if (given === undefined) {
    return { ok: false, refusal: { status: 415, message: `The request has a body but no content-type header (accepted: ${PARSED_TYPES})` } };
  }
  const { type, charset } = parseContentType(given);
  const kind = kindOf(type);
  if (kind === undefined) {
    if (!o.strict) return { ok: true, body: base64 ? Buffer.from(raw, 'base64') : raw, contentType: given };
    const multipart = type.startsWith('multipart/') ? ' (multipart bodies are not parsed by http(): see its README)' : '';
    return { ok: false, refusal: { status: 415, message: `Unsupported content type ${JSON.stringify(type)}${multipart}; accepted: ${PARSED_TYPES}` } };
  }
  // A body that is not base64-encoded reached Lambda as text already: its charset was applied by the service.
  const text = base64 ? textOf(Buffer.from(raw, 'base64'), charset) : stripBom(raw);
  if (text === undefined) {
    return { ok: false, refusal: { status: 415, message: `Unsupported charset ${JSON.stringify(charset)} of content type ${JSON.stringify(type)}` } };
  }
  if (kind === 'text') return { ok: true, body: text, contentType: given };
  if (kind === 'form') return { ok: true, body: parseQueryString(text), contentType: given };
  try {
    return { ok: true, body: JSON.parse(text), contentType: given };
  } catch (e) {
    return { ok: false, refusal: { status: 400, message: `not valid JSON (${(e as Error).message})` } };
  }
};
