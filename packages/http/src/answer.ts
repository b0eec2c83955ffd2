// The 4xx answer of a bad request, in the response format of the service that sent the event.
import { cutString, truncationMarker } from '@lambdaware/shared';
import type { HttpSource } from './events.js';

/** One thing wrong with a request: the part (body, query, path, headers), the field's path in it, what was wrong. */
export interface RequestIssue {
  part: 'body' | 'query' | 'path' | 'headers';
  /** `body.items[0].qty`, `query.limit`, `headers["x-api-key"]` (formatIssuePath of @lambdaware/shared). */
  path: string;
  message: string;
}

/** What a 4xx answer's JSON body holds. */
export interface ClientErrorBody {
  message: string;
  issues?: RequestIssue[];
  /** How many issues were left out of `issues` (at most MAX_ISSUES are listed). */
  issuesOmitted?: number;
}

/** At most this many issues are listed in an answer (and its WARN line), each message cut at ISSUE_CHARS. */
export const MAX_ISSUES = 50;
const ISSUE_CHARS = 500;
const MESSAGE_ISSUES = 10;

const REASONS: Record<number, string> = { 400: 'Bad Request', 413: 'Content Too Large', 415: 'Unsupported Media Type' };

/** The JSON body of a 4xx answer: a message naming the first issues, and the issues (bounded). */
export const clientErrorBody = (message: string, issues?: readonly RequestIssue[]): ClientErrorBody => {
  if (issues === undefined || issues.length === 0) return { message };
  const listed = issues.slice(0, MAX_ISSUES).map((i) => ({ part: i.part, path: i.path, message: cutString(i.message, ISSUE_CHARS) }));
  const named = listed
    .slice(0, MESSAGE_ISSUES)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
  // the shared marker, as every cut of lambdaware: `…[truncated: 60 items]`
  const more = issues.length > MESSAGE_ISSUES ? truncationMarker(issues.length - MESSAGE_ISSUES, 'items') : '';
  const out: ClientErrorBody = { message: `${message}: ${named}${more}`, issues: listed };
  if (issues.length > listed.length) out.issuesOmitted = issues.length - listed.length;
  return out;
};

/**
 * The answer: API Gateway (REST, HTTP API) and Function URLs `{ statusCode, headers, body }`; ALB adds
 * `statusDescription` and `isBase64Encoded`, with `multiValueHeaders` when the event came with them (the target
 * group's multi-value mode: ALB then ignores `headers`); VPC Lattice `{ statusCode, statusDescription,
 * isBase64Encoded, headers, body }`.
 */
export const answerFor = (
  source: HttpSource,
  multiValue: boolean,
  status: number,
  body: ClientErrorBody,
  extraHeaders: Readonly<Record<string, string>> | undefined,
): Record<string, unknown> => {
  const text = JSON.stringify(body);
  const headers = { ...extraHeaders, 'content-type': 'application/json; charset=utf-8' };
  switch (source) {
    case 'apigw-v1':
    case 'apigw-v2':
    case 'function-url':
      return { statusCode: status, headers, body: text };
    case 'alb':
      return {
        statusCode: status,
        statusDescription: `${status} ${REASONS[status] ?? ''}`.trim(),
        ...(multiValue ? { multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])) } : { headers }),
        isBase64Encoded: false,
        body: text,
      };
    case 'lattice-v1':
    case 'lattice-v2':
      return {
        statusCode: status,
        statusDescription: `${status} ${REASONS[status] ?? ''}`.trim(),
        isBase64Encoded: false,
        headers,
        body: text,
      };
  }
};
