// Compiled (not run) by types.test.ts: the real SDK clients are assignable to the structural client options (the
// published .d.ts types them without importing the optional peers), and something without `send` is not.
import { AppConfigDataClient } from '@aws-sdk/client-appconfigdata';
import { SSMClient } from '@aws-sdk/client-ssm';
import { type AppConfigDataClientLike, type SsmClientLike, secrets } from '@lambdaware/secrets';

const ssm: SsmClientLike = new SSMClient({});
const appConfig: AppConfigDataClientLike = new AppConfigDataClient({});

export const withClients = secrets({ fetch: { p: { ssm: '/app/p' } }, ssmClient: new SSMClient({}), appConfigClient: new AppConfigDataClient({}) });
export { ssm, appConfig };

// @ts-expect-error a client needs send()
export const noSend = secrets({ fetch: { p: { ssm: '/app/p' } }, ssmClient: {} });
