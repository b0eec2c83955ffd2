import { expect, it } from '@jest/globals';
import { loadTemplate } from '../../test-helpers.js';

const t = loadTemplate(new URL('../template.yaml', import.meta.url));
const fn = t.Resources.SecretConfigFunction;

it('deploys the bundle on nodejs22.x with LOG_LEVEL, SENTRY_DSN and SECRET_ARN pointing at the secret', () => {
  expect(t.Transform).toBe('AWS::Serverless-2016-10-31');
  expect(fn).toMatchObject({ Type: 'AWS::Serverless::Function', Properties: { Runtime: 'nodejs22.x', Handler: 'handler.handler', CodeUri: 'dist/' } });
  expect(fn.Properties.Environment.Variables).toMatchObject({
    LOG_LEVEL: { Ref: 'LogLevel' },
    SENTRY_DSN: { Ref: 'SentryDsn' },
    SECRET_ARN: { Ref: 'ApiTokenSecret' },
  });
  expect(t.Resources.ApiTokenSecret.Type).toBe('AWS::SecretsManager::Secret');
  expect(t.Parameters!.ApiToken.NoEcho).toBe(true);
});

it('may read that secret only (AWSSecretsManagerGetSecretValuePolicy), and logs to a group with retention', () => {
  expect(fn.Properties.Policies).toEqual([{ AWSSecretsManagerGetSecretValuePolicy: { SecretArn: { Ref: 'ApiTokenSecret' } } }]);
  const group = t.Resources[fn.Properties.LoggingConfig.LogGroup.Ref];
  expect(group).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: { Ref: 'LogRetentionInDays' } } });
});
