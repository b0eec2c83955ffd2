import { readFileSync } from 'node:fs';
import middy from '@middy/core';
import { lambdaContext } from '@lambdaware/events';
import { captureOutput } from '@lambdaware/testkit';

/** A real AWS sample event (aws-lambda-go's testdata, fixtures/events). */
export const awsSample = (name: string): Record<string, any> =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/events/aws-lambda-go/${name}`, import.meta.url), 'utf8'));

/** Runs a handler once with captured output: its answer, or its error, and its lines. */
export const run = async (handler: (event: any, context: any) => Promise<unknown>, event: unknown) => {
  const out = await captureOutput(() => handler(event, lambdaContext({ functionName: 'http-test' })));
  return { result: out.result as Record<string, any> | undefined, error: out.error, lines: [...out.stdoutLines(), ...out.stderrLines()] };
};

/** A handler echoing what http() put on context.request. */
export const echo = (middleware: middy.MiddlewareObj<any, any, any, any>) =>
  middy()
    .use(middleware)
    .handler(async (_event: unknown, context: any) => ({ statusCode: 200, body: JSON.stringify(context.request) }));

/** The JSON body of an answer. */
export const bodyOf = (answer: Record<string, any> | undefined): Record<string, any> => JSON.parse(answer?.body);
