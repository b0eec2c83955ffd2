// The platform lines Lambda writes to CloudWatch around each invocation.
import { readFileSync } from 'node:fs';
import type { ExitCode, InvocationResult, InvokeResult } from './options.js';

/** The numbers of a REPORT line. */
export interface Report {
  durationMs: number;
  /** Duration rounded up to the millisecond, plus the init duration on a cold start (Lambda bills INIT since Aug 2025). */
  billedDurationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  /** Only on the first invocation of an execution environment (a cold start). */
  initDurationMs?: number;
  /** `timeout` or `error` when the invocation did not end normally (Lambda adds `Status:` then). */
  status?: 'timeout' | 'error';
  errorType?: string;
}

export const startLine = (requestId: string): string => `START RequestId: ${requestId} Version: $LATEST`;
export const endLine = (requestId: string): string => `END RequestId: ${requestId}`;

export function reportLine(requestId: string, report: Report): string {
  const fields = [
    `REPORT RequestId: ${requestId}`,
    `Duration: ${report.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${report.billedDurationMs} ms`,
    `Memory Size: ${report.memorySizeMb} MB`,
    `Max Memory Used: ${report.maxMemoryUsedMb} MB`,
  ];
  if (report.initDurationMs !== undefined) fields.push(`Init Duration: ${report.initDurationMs.toFixed(2)} ms`);
  if (report.status) fields.push(`Status: ${report.status}`);
  if (report.errorType) fields.push(`Error Type: ${report.errorType}`);
  return fields.join('\t');
}

/**
 * The CLI's warning when an invocation's Max Memory Used is over its Memory Size: here the process went on, on Lambda
 * the execution environment would have been stopped (`Runtime.OutOfMemory`). Undefined when within the size.
 */
export function memoryWarning(requestId: string, report: Pick<Report, 'memorySizeMb' | 'maxMemoryUsedMb'>): string | undefined {
  if (report.maxMemoryUsedMb <= report.memorySizeMb) return undefined;
  const enough = Math.min(10240, Math.ceil(report.maxMemoryUsedMb / 64) * 64 + 64);
  return (
    `lambdaware: warning: RequestId: ${requestId} Max Memory Used ${report.maxMemoryUsedMb} MB is over Memory Size ${report.memorySizeMb} MB: ` +
    `on Lambda this execution environment would run out of memory and be stopped (Runtime.OutOfMemory). ` +
    `Give the function more memory (--memory ${enough}, and MemorySize in its template) or make it use less.`
  );
}

export function initReportLine(initDurationMs: number, status: 'error' | 'timeout', errorType?: string): string {
  const fields = [`INIT_REPORT Init Duration: ${initDurationMs.toFixed(2)} ms`, 'Phase: init', `Status: ${status}`];
  if (errorType) fields.push(`Error Type: ${errorType}`);
  return fields.join('\t');
}

export const timeoutSeconds = (seconds: number): string => seconds.toFixed(2);

export function timeoutLine(requestId: string, seconds: number, at = new Date()): string {
  return `${at.toISOString()} ${requestId} Task timed out after ${timeoutSeconds(seconds)} seconds`;
}

/** Peak resident set size of a process in MB (VmHWM), or undefined when it cannot be read (exited, not Linux). */
export function peakMemoryMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return kb ? Math.ceil(Number(kb[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** The error message Lambda gives when the runtime process exited (during init or an invocation). */
export function exitMessage(requestId: string, code: number | null, signal: NodeJS.Signals | null): string {
  return `RequestId: ${requestId} Error: Runtime exited ${
    signal ? `with error: signal: ${signal === 'SIGKILL' ? 'killed' : signal}` : code ? `with error: exit status ${code}` : 'without providing a reason'
  }`;
}

/** The error Lambda returns for an invocation (or an init) stopped at its limit of `seconds`. */
export function timedOutError(requestId: string, seconds: number): { errorType: string; errorMessage: string } {
  return { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds(seconds)} seconds` };
}

/** A response as the function's runtime posted it, parsed when it is JSON (a streamed one, or not JSON: as text). */
export function parseResponse(body: string, streamed: boolean | undefined): unknown {
  if (streamed) return body;
  try {
    return JSON.parse(body);
  } catch {
    return body; // a runtime posting a non-JSON body: kept as text
  }
}

/** What invoke() returns: every invocation, the most severe exit code, every line, and the last invocation's fields. */
export function summarize(invocations: InvocationResult[], logs: string[], concurrency?: InvokeResult['concurrency']): InvokeResult {
  const last = invocations.at(-1)!;
  return {
    invocations,
    exitCode: Math.max(...invocations.map((r) => r.exitCode)) as ExitCode,
    logs,
    ...(concurrency === undefined ? {} : { concurrency }),
    requestId: last.requestId,
    status: last.status,
    payload: last.payload,
    response: last.response,
    error: last.error,
    report: last.report,
  };
}
