import { readFileSync } from 'node:fs';

/** Reads one of the real AWS sample events in fixtures/events/aws-lambda-go/. */
export function sample<T = any>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../../fixtures/events/aws-lambda-go/${name}`, import.meta.url), 'utf8')) as T;
}

/** Sorted keys of an object. */
export const keys = (value: object): string[] => Object.keys(value).sort();
