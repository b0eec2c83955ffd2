import { safeString } from './describe.js';

/**
 * The message of a thrown value, for a line or a warning, never throwing: an Error's message, the string `message`
 * of an error-like object, a thrown string as is, anything else as text (`String()`, or its tag when that throws).
 */
export const thrownMessage = (value: unknown): string => {
  try {
    if (value instanceof Error) return safeString(value.message);
    if (typeof value === 'string') return value;
    if (value !== null && typeof value === 'object') {
      const message = (value as { message?: unknown }).message;
      if (typeof message === 'string') return message;
    }
  } catch {
    // a throwing `message` getter or a revoked proxy: the value's text below
  }
  return safeString(value);
};
