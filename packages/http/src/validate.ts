// The parts of a request validated with the user's Standard Schemas, every part at once, every issue named.
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { formatIssuePath } from '@lambdaware/shared';
import type { RequestIssue } from './answer.js';

export type Part = RequestIssue['part'];
/** The parts in the order their issues are listed. */
export const PARTS: readonly Part[] = ['path', 'query', 'headers', 'body'];

export type Schemas = Partial<Record<Part, StandardSchemaV1>>;
/** The value of each part, replaced by its schema's output when it passes. */
export type Parts = Record<Part, unknown>;

const issuesOf = (part: Part, issues: readonly StandardSchemaV1.Issue[], into: RequestIssue[]): void => {
  for (const issue of issues) {
    into.push({ part, path: formatIssuePath([part, ...(issue.path ?? [])]), message: issue.message });
  }
};

/**
 * Validates each part that has a schema: the outputs replace the values in `parts`; the issues of every part are
 * returned (empty when all passed). Synchronous unless a schema validates asynchronously.
 */
export const validateParts = (parts: Parts, schemas: readonly (readonly [Part, StandardSchemaV1])[]): RequestIssue[] | Promise<RequestIssue[]> => {
  const issues: RequestIssue[] = [];
  let pending: Promise<void>[] | undefined;
  for (const [part, schema] of schemas) {
    const result = schema['~standard'].validate(parts[part]);
    if (result instanceof Promise) {
      (pending ??= []).push(
        result.then((r) => {
          if (r.issues !== undefined) issuesOf(part, r.issues, issues);
          else parts[part] = r.value;
        }),
      );
    } else if (result.issues !== undefined) issuesOf(part, result.issues, issues);
    else parts[part] = result.value;
  }
  if (pending === undefined) return issues;
  return Promise.all(pending).then(() => issues.sort((a, b) => PARTS.indexOf(a.part) - PARTS.indexOf(b.part)));
};
