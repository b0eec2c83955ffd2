// The Sentry envelope format (https://develop.sentry.dev/sdk/data-model/envelopes/) as the local ingest reads it.
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/** One item of an envelope: its header line and its payload (parsed JSON when it is JSON, else the raw bytes). */
export interface EnvelopeItem {
  header: Record<string, unknown> & { type?: string; length?: number };
  payload: unknown;
}

/** Thrown when a request body is not a well-formed envelope. */
export class EnvelopeParseError extends Error {
  override name = 'EnvelopeParseError';
}

/** Decodes the body per `content-encoding` (gzip, deflate, br, or none). */
export const decodeBody = (body: Buffer, encoding: string | undefined): Buffer => {
  switch ((encoding ?? 'identity').trim().toLowerCase()) {
    case 'identity':
    case '':
      return body;
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(body);
    case 'deflate':
      return inflateSync(body);
    case 'br':
      return brotliDecompressSync(body);
    default:
      throw new EnvelopeParseError(`unsupported content-encoding "${encoding}"`);
  }
};

const parseJsonLine = (bytes: Buffer, what: string): Record<string, unknown> => {
  const text = bytes.toString('utf8');
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch (e) {
    throw new EnvelopeParseError(`${what} is not a JSON object (${(e as Error).message}): ${text.slice(0, 200)}`);
  }
};

/**
 * Parses a Sentry envelope: a header line, then items, each a header line and a payload that is either `length`
 * bytes (when the item header has `length`) or the rest of the line.
 */
export const parseEnvelope = (body: Buffer): { header: Record<string, unknown>; items: EnvelopeItem[] } => {
  let pos = 0;
  const readLine = (): Buffer => {
    const nl = body.indexOf(0x0a, pos);
    const end = nl === -1 ? body.length : nl;
    const line = body.subarray(pos, end);
    pos = nl === -1 ? body.length : nl + 1;
    return line;
  };
  const header = parseJsonLine(readLine(), 'envelope header');
  const items: EnvelopeItem[] = [];
  while (pos < body.length) {
    const headerLine = readLine();
    if (headerLine.length === 0) continue; // a trailing newline
    const itemHeader = parseJsonLine(headerLine, `item ${items.length} header`) as EnvelopeItem['header'];
    let raw: Buffer;
    if (typeof itemHeader.length === 'number') {
      if (pos + itemHeader.length > body.length) {
        throw new EnvelopeParseError(`item ${items.length} declares length ${itemHeader.length} but only ${body.length - pos} bytes follow`);
      }
      raw = body.subarray(pos, pos + itemHeader.length);
      pos += itemHeader.length;
      if (body[pos] === 0x0a) pos++;
    } else {
      raw = readLine();
    }
    let payload: unknown = raw;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      payload = Buffer.from(raw); // an attachment or other binary payload
    }
    items.push({ header: itemHeader, payload });
  }
  return { header, items };
};
