import type { Context } from 'aws-lambda';
import { lambdaContext } from '@lambdaware/events';

/** A Lambda context as the Node runtime builds it (aws-lambda-ric puts the X-Ray header on xRayTraceId). */
export const context = (requestId: string, extra: { xRayTraceId?: string } = {}): Context =>
  ({
    ...lambdaContext({ functionName: 'orders-handler', region: 'eu-west-1', memoryLimitInMB: 256, awsRequestId: requestId }),
    ...extra,
  }) as Context;

export const readEvent = async (name: string): Promise<Record<string, unknown>> => {
  const { readFile } = await import('node:fs/promises');
  const url = new URL(`../../../fixtures/events/aws-lambda-go/${name}`, import.meta.url);
  return JSON.parse(await readFile(url, 'utf8')) as Record<string, unknown>;
};
