import { KEYS } from './keys.js';
import { REDACTED } from './redaction.js';

/** The registry as redaction.ts keeps it on globalThis (same package, same shape). */
interface RedactionRegistry {
  values: Set<string>;
  sorted: string[] | undefined;
}

/** For each sorted secret list, the forms a secret takes inside JSON text, longest first. */
const jsonForms = new WeakMap<string[], string[]>();

const escape = (s: string): string => JSON.stringify(s).slice(1, -1);

const formsOf = (sorted: string[]): string[] => {
  let forms = jsonForms.get(sorted);
  if (forms === undefined) {
    const set = new Set<string>();
    for (const secret of sorted) {
      const once = escape(secret); // the secret as a JSON string value: `"` -> `\"`, `\` -> `\\`, control chars
      set.add(once);
      set.add(escape(once)); // and inside a JSON string that is itself a JSON value (an API Gateway body)
    }
    forms = [...set].sort((a, b) => b.length - a.length);
    jsonForms.set(sorted, forms);
  }
  return forms;
};

/**
 * Masks every registered secret in a serialized JSON text (a log line), in the form the secret takes there:
 * JSON-escaped (a password with `"` or `\` is written `\"`, `\\`), and escaped twice when it sits inside a string
 * that holds JSON. The raw form of a secret that JSON escapes cannot occur inside a string value, and replacing it
 * could break the line's structure, so only the escaped forms are replaced. Returns `text` itself when no secret
 * is registered.
 */
export const redactJsonText = (text: string): string => {
  const r = (globalThis as Record<symbol, RedactionRegistry | undefined>)[KEYS.redaction];
  if (r === undefined || r.values.size === 0) return text;
  r.sorted ??= [...r.values].sort((a, b) => b.length - a.length);
  let out = text;
  for (const form of formsOf(r.sorted)) {
    if (out.includes(form)) out = out.split(form).join(REDACTED);
  }
  return out;
};
