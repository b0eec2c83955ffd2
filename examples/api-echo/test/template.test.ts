import { expect, it } from '@jest/globals';
import { loadTemplate } from '../../test-helpers.js';

const t = loadTemplate(new URL('../template.yaml', import.meta.url));
const fn = t.Resources.EchoFunction;

it('deploys the bundle on nodejs22.x with LOG_LEVEL and SENTRY_DSN', () => {
  expect(t.Transform).toBe('AWS::Serverless-2016-10-31');
  expect(fn.Type).toBe('AWS::Serverless::Function');
  expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'handler.handler', CodeUri: 'dist/' });
  expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(expect.arrayContaining(['LOG_LEVEL', 'SENTRY_DSN']));
});

it('is reached by an HTTP API POST route, a REST API POST method and a Function URL', () => {
  const events = Object.values(fn.Properties.Events as Record<string, { Type: string; Properties: { Path: string; Method: string } }>);
  expect(events.map((e) => [e.Type, e.Properties.Method, e.Properties.Path]).sort()).toEqual([
    ['Api', 'POST', '/echo'],
    ['HttpApi', 'POST', '/echo'],
  ]);
  expect(fn.Properties.FunctionUrlConfig).toEqual({ AuthType: 'NONE' });
});

it('logs to a log group with a retention', () => {
  const group = t.Resources[fn.Properties.LoggingConfig.LogGroup.Ref];
  expect(group.Type).toBe('AWS::Logs::LogGroup');
  expect(group.Properties.RetentionInDays).toEqual({ Ref: 'LogRetentionInDays' });
});
