// The whole-run secret scan's reading side (global-teardown.mjs loads it through Node's type stripping: keep to
// erasable TypeScript). Reads what tee.ts and the testkit's Sentry ingest recorded under the scan directory and
// finds every recorded secret, in each of its forms (formsOf: raw, JSON-escaped once and twice), in every output
// file and every envelope.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { formsOf } from '../reliability/helpers.ts';
import type { AllowEntry } from './allowlist.ts';

/** What lambdaware writes in place of a secret (@lambdaware/shared's REDACTED). */
const REDACTED = '****';

export interface Secret {
  value: string;
  /** The test file that registered it first (relative to the repository root). */
  file: string;
  /** A whole-value secret ("true", "5432"): found where a JSON string value is exactly it, not inside text. */
  whole?: boolean;
  /** A number secret: found where a JSON number equals it or a string value is exactly its decimal text. */
  number?: boolean;
}

export interface Finding {
  /** Where: `output of <test file>` or `envelope <n> of envelopes-<pid>.bin`. */
  where: string;
  /** The test file that registered the secret. */
  registeredIn: string;
  /** Around the finding, with every secret in it replaced by `<secret: N chars>`. */
  excerpt: string;
}

export interface ScanResult {
  secrets: number;
  /** Values registered by a test file whose registrations are not secrets (allowlist scope 'registrations'). */
  excluded: number;
  outputBytes: number;
  outputFiles: number;
  envelopes: number;
  findings: Finding[];
  allowed: number;
  /** Whole-value secrets among `secrets`. */
  wholeSecrets: number;
  /** Lines holding the mask (****) that were checked to be JSON. */
  maskedLines: number;
}

const jsonLines = <T>(text: string): T[] =>
  text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as T);

/** Every form of every text secret, grouped by its first 4 characters (no form is shorter: text secrets have 6+). */
const indexForms = (secrets: readonly Secret[]): Map<string, { form: string; secret: Secret }[]> => {
  const byPrefix = new Map<string, { form: string; secret: Secret }[]>();
  for (const secret of secrets) {
    for (const form of formsOf(secret.value)) {
      const key = form.slice(0, 4);
      let list = byPrefix.get(key);
      if (list === undefined) byPrefix.set(key, (list = []));
      list.push({ form, secret });
    }
  }
  return byPrefix;
};

const mask = (text: string, forms: readonly string[]): string => {
  let out = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    if (out.includes(form)) out = out.split(form).join(`<secret: ${form.length} chars>`);
  }
  return out;
};

export const scanDirectory = (dir: string, rootDir: string, allowlist: readonly AllowEntry[]): ScanResult => {
  const names = readdirSync(dir);
  const rel = (file: string): string => (file.startsWith('/') ? relative(rootDir, file) : file);
  const notSecrets = new Set(allowlist.filter((a) => a.scope === 'registrations').map((a) => a.file));
  const secrets = new Map<string, Secret>();
  let excluded = 0;
  const wholes = new Map<string, Secret>();
  for (const name of names.filter((n) => n.startsWith('secrets-'))) {
    for (const { file, secret, whole, number } of jsonLines<{ file: string; secret: string; whole?: boolean; number?: boolean }>(
      readFileSync(join(dir, name), 'utf8'),
    )) {
      if (notSecrets.has(rel(file))) excluded++;
      else if (whole === true) {
        const key = `${rel(file)}\0${secret}`;
        const known = wholes.get(key);
        wholes.set(key, { value: secret, file: rel(file), whole: true, number: number === true || known?.number === true });
      } else secrets.set(`${rel(file)}\0${secret}`, { value: secret, file: rel(file) });
    }
  }
  const all = [...secrets.values()];
  const allWhole = [...wholes.values()];
  let maskedLines = 0;
  const byPrefix = indexForms(all);
  const allForms = all.flatMap((s) => formsOf(s.value));
  const allowedFiles = new Set(allowlist.filter((a) => a.scope === 'output').map((a) => a.file));
  const findings: Finding[] = [];
  let allowed = 0;

  // Each test file has its own registry (its own vm context): a value is a secret in the output and envelopes of
  // the file that registered it. Output no test file is known for (the jest main process: console output the
  // workers send back, failure messages) is searched for every secret of the run.
  const scan = (text: string, where: string, writtenBy: string, allowable: boolean): void => {
    const everySecret = writtenBy.startsWith('(');
    const seen = new Set<Secret>();
    for (const [prefix, forms] of byPrefix) {
      for (let at = text.indexOf(prefix); at >= 0; at = text.indexOf(prefix, at + 1)) {
        for (const { form, secret } of forms) {
          if (!text.startsWith(form, at) || seen.has(secret)) continue;
          if (!everySecret && secret.file !== writtenBy) continue;
          seen.add(secret);
          if (allowable && allowedFiles.has(writtenBy) && secret.file === writtenBy) {
            allowed++;
            continue;
          }
          const excerpt = text.slice(Math.max(0, at - 60), at + form.length + 60);
          findings.push({ where, registeredIn: secret.file, excerpt: JSON.stringify(mask(excerpt, allForms)) });
        }
      }
    }
  };

  // Whole-value secrets: where a value of a JSON line (a log line, the JSON part of a runtime line, an envelope
  // item) is exactly the secret. And every line holding the mask must still be JSON: masking never breaks a line.
  const scanLines = (text: string, where: string, writtenBy: string, allowable: boolean): void => {
    const everySecret = writtenBy.startsWith('(');
    const mine = allWhole.filter((w) => everySecret || w.file === writtenBy);
    for (const line of text.split('\n')) {
      const start = line.indexOf('{"');
      if (start < 0) continue;
      const masked = line.includes(REDACTED);
      const candidates = mine.filter((w) => line.includes(w.value));
      if (!masked && candidates.length === 0) continue;
      const json = line.slice(start).trimEnd();
      let parsed: unknown;
      try {
        parsed = JSON.parse(json);
      } catch {
        if (masked && json.endsWith('}') && !(allowable && allowedFiles.has(writtenBy))) {
          findings.push({
            where,
            registeredIn: '(none: a line damaged by masking)',
            excerpt: `a line holding ${REDACTED} is not JSON: ${JSON.stringify(mask(json.slice(0, 200), allForms))}`,
          });
        }
        continue;
      }
      if (masked) maskedLines++;
      if (candidates.length === 0) continue;
      const strings = new Set<string>();
      const numbers = new Set<string>();
      const stack: unknown[] = [parsed];
      while (stack.length > 0) {
        const v = stack.pop();
        if (typeof v === 'string') strings.add(v);
        else if (typeof v === 'number') numbers.add(String(v));
        else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) stack.push(x);
      }
      for (const w of candidates) {
        if (!strings.has(w.value) && !(w.number === true && numbers.has(w.value))) continue;
        if (allowable && allowedFiles.has(writtenBy) && w.file === writtenBy) {
          allowed++;
          continue;
        }
        findings.push({
          where,
          registeredIn: w.file,
          excerpt: `a whole-value secret (${w.value.length} chars) as a value of ${JSON.stringify(mask(json.slice(0, 160), allForms))}`,
        });
      }
    }
  };

  let outputBytes = 0;
  let outputFiles = 0;
  for (const name of names.filter((n) => n.startsWith('index-'))) {
    for (const { out, file } of jsonLines<{ out: string; file: string }>(readFileSync(join(dir, name), 'utf8'))) {
      const bytes = readFileSync(join(dir, out));
      outputBytes += bytes.length;
      outputFiles++;
      const text = bytes.toString('utf8');
      scan(text, `output of ${rel(file)}`, rel(file), true);
      scanLines(text, `output of ${rel(file)}`, rel(file), true);
    }
  }

  let envelopes = 0;
  for (const name of names.filter((n) => n.startsWith('envelopes-'))) {
    const data = readFileSync(join(dir, name));
    let pos = 0;
    for (let n = 0; pos < data.length; n++) {
      const nl = data.indexOf(0x0a, pos);
      const m = /^envelope (\d+) (".*")$/.exec(data.subarray(pos, nl).toString('utf8'));
      if (nl < 0 || m === null) throw new Error(`secret-scan: ${name} is not framed as expected at byte ${pos}`);
      const length = Number(m[1]);
      const body = data.subarray(nl + 1, nl + 1 + length);
      pos = nl + 1 + length + 1;
      envelopes++;
      const file = rel(JSON.parse(m[2]) as string);
      scan(body.toString('utf8'), `envelope ${n} of ${name} (received while ${file} ran)`, file, false);
      scanLines(body.toString('utf8'), `envelope ${n} of ${name} (received while ${file} ran)`, file, false);
    }
  }
  return {
    secrets: all.length + allWhole.length,
    excluded,
    outputBytes,
    outputFiles,
    envelopes,
    findings,
    allowed,
    wholeSecrets: allWhole.length,
    maskedLines,
  };
};
