import { expect, it } from '@jest/globals';
import { loadTemplate, resourcesOf } from '../../test-helpers.js';

const t = loadTemplate(new URL('../template.yaml', import.meta.url));

it('is a SAM template deploying the bundle on nodejs22.x with LOG_LEVEL and SENTRY_DSN', () => {
  expect(t.Transform).toBe('AWS::Serverless-2016-10-31');
  const fn = t.Globals!.Function;
  expect(fn.Runtime).toBe('nodejs22.x');
  expect(fn.CodeUri).toBe('dist/');
  expect(Object.keys((fn.Environment as { Variables: object }).Variables)).toEqual(expect.arrayContaining(['LOG_LEVEL', 'SENTRY_DSN']));
});

it('consumes the queue with ReportBatchItemFailures through batchHandler, and has a log group with retention per function', () => {
  const functions = resourcesOf(t, 'AWS::Serverless::Function');
  expect(functions.map(([, f]) => f.Properties.Handler).sort()).toEqual(['handler.batchHandler', 'handler.handler']);
  const consumer = t.Resources.ConcatFunction.Properties;
  expect(consumer.Events.Queue).toEqual({
    Type: 'SQS',
    Properties: expect.objectContaining({ Queue: { 'Fn::GetAtt': ['ConcatQueue', 'Arn'] }, FunctionResponseTypes: ['ReportBatchItemFailures'] }),
  });
  expect(t.Resources.ConcatQueue.Type).toBe('AWS::SQS::Queue');
  for (const [, f] of functions) {
    const group = t.Resources[(f.Properties.LoggingConfig.LogGroup as { Ref: string }).Ref];
    expect(group.Type).toBe('AWS::Logs::LogGroup');
    expect(group.Properties.RetentionInDays).toBeDefined();
  }
});
