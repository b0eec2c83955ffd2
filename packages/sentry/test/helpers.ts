import { readFileSync } from 'node:fs';
import { setLogSink, type SinkLevel } from '@lambdaware/shared';

export interface SinkLine {
  level: SinkLevel;
  message: string;
  [field: string]: unknown;
}

/** Installs a log sink that keeps every line; `restore()` puts the stderr fallback back. */
export const collectLines = (): { lines: SinkLine[]; restore: () => void } => {
  const lines: SinkLine[] = [];
  setLogSink({ log: (level, message, fields) => void lines.push({ level, message, ...fields }) });
  return { lines, restore: () => setLogSink(undefined) };
};

/** A real SQS event from aws-lambda-go's samples. */
export const sqsEvent = (): unknown => JSON.parse(readFileSync(new URL('../../../fixtures/events/aws-lambda-go/sqs-event.json', import.meta.url), 'utf8'));

/** Runs a Middy handler and returns what it resolved or threw, and how long it took. */
export const invoke = async <T>(fn: () => Promise<T>): Promise<{ result?: T; error?: unknown; ms: number }> => {
  const start = performance.now();
  try {
    const result = await fn();
    return { result, ms: performance.now() - start };
  } catch (error) {
    return { error, ms: performance.now() - start };
  }
};

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
