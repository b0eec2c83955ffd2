import { REDACTED, type RedactionRegistry, escape, hasSecrets, registry } from './redaction.js';

/** Masks the whole-value secrets that stand as whole JSON tokens (a string, a number) in a JSON text. */
const maskTokens = (r: RedactionRegistry, text: string): string => {
  let present = false;
  for (const w of r.whole) {
    if (text.includes(w)) {
      present = true;
      break;
    }
  }
  if (!present) return text;
  let out = '';
  let last = 0;
  const n = text.length;
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // a string token: to its closing quote (skipping escapes)
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) j += 2;
        else if (d === 0x22) break;
        else j++;
      }
      const end = Math.min(j + 1, n);
      if (end - i - 2 <= (r.longestWhole ?? Infinity)) {
        let value: unknown;
        try {
          value = JSON.parse(text.slice(i, end));
        } catch {
          value = undefined;
        }
        if (typeof value === 'string' && r.whole.has(value) && text.charCodeAt(skipSpace(text, end)) !== 0x3a) {
          // a value, not a key (a key is followed by ':')
          out += `${text.slice(last, i)}"${REDACTED}"`;
          last = end;
        }
      }
      i = end;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < n && /[0-9eE.+-]/.test(text[j]!)) j++;
      if (r.numbers.has(text.slice(i, j))) {
        out += `${text.slice(last, i)}"${REDACTED}"`;
        last = j;
      }
      i = j;
    } else i++;
  }
  return last === 0 ? text : out + text.slice(last);
};

const skipSpace = (text: string, i: number): number => {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
};

/**
 * Masks registered secrets in an already serialized JSON text, for writers that cannot mask before serializing:
 * each text secret in its JSON-escaped forms (once, and twice inside a string that holds JSON), and each whole-value
 * secret where it is a whole JSON value (a string `"5432"`, the number 5432: never a part of 154320, never a key,
 * never inside another string), found by a tokenizer pass. The text stays valid JSON. Prefer redactDeep before serializing. Returns `text` itself when no secret is registered.
 */
export const redactJsonText = (text: string): string => {
  if (!hasSecrets()) return text;
  const r = registry();
  let out = text;
  if (r.values.size > 0) {
    // the forms a secret takes inside a JSON string (escaped once, and twice in a string holding JSON); its raw
    // form, when JSON escapes it, cannot occur inside a JSON string, and replacing it could break the text
    r.jsonForms ??= [...new Set([...r.values].flatMap((s) => [escape(s), escape(escape(s))]))].sort((a, b) => b.length - a.length);
    for (const form of r.jsonForms) if (out.includes(form)) out = out.split(form).join(REDACTED);
  }
  if (r.whole.size > 0) {
    r.longestWhole ??= Math.max(...[...r.whole].map((w) => escape(w).length));
    out = maskTokens(r, out);
  }
  return out;
};
