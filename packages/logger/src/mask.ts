import { REDACTED } from '@lambdaware/shared';

/**
 * The `mask` option of logContext(): values at given paths of the event and the response written as `****`. Not a
 * secret masker (registered secrets are masked by @lambdaware/shared, JSON text by its `redactJsonText`): a path into
 * a JSON body (`body.password`) needs the body's structure, so a string holding JSON is parsed here, on the logged
 * copy of the event only.
 */

/** A mask path split into lower-case segments (`'headers.Authorization'` -> `['headers', 'authorization']`). */
export type MaskPath = readonly string[];

export const parseMaskPath = (path: string): MaskPath => path.split('.').map((s) => s.toLowerCase());

/**
 * A copy of `value` with the value at each path replaced by REDACTED; `value` itself is never changed, and only
 * the objects along a matching path are copied. Segments match keys in any letter case (HTTP header names arrive
 * lower-cased from API Gateway HTTP APIs and as sent from REST APIs); `*` matches every key or array index.
 * A string holding a JSON object or array (an API Gateway or SQS `body`) is masked inside and written back as a
 * string, so `body.password` works on the raw event.
 */
export const maskPaths = (value: unknown, paths: readonly MaskPath[]): unknown => {
  let out = value;
  for (const path of paths) out = maskAt(out, path, 0);
  return out;
};

const maskAt = (value: unknown, path: MaskPath, i: number): unknown => {
  if (i === path.length) return value === undefined ? value : REDACTED;
  if (typeof value === 'string') return maskInJsonString(value, path, i);
  if (value === null || typeof value !== 'object') return value;
  const segment = path[i];
  let copy: Record<string, unknown> | unknown[] | undefined;
  for (const key of Object.keys(value)) {
    if (segment !== '*' && key.toLowerCase() !== segment) continue;
    const current = (value as Record<string, unknown>)[key];
    const next = maskAt(current, path, i + 1);
    if (next === current) continue;
    copy ??= Array.isArray(value) ? [...value] : { ...value };
    (copy as Record<string, unknown>)[key] = next;
  }
  return copy ?? value;
};

const maskInJsonString = (text: string, path: MaskPath, i: number): string => {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  const masked = maskAt(parsed, path, i);
  return masked === parsed ? text : JSON.stringify(masked);
};
