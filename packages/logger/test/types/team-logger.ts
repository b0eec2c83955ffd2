// Compiled by types.test.ts (tsc, strict): a team's own Powertools Logger and Powertools' constructor options are
// accepted by the types (issue: TS2740 "missing the following properties from type 'LambdaLogger'").
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { createLogger, logContext, sinkFor } from '@lambdaware/logger';

const teamLogger = new Logger({
  serviceName: 'payments',
  logLevel: 'DEBUG',
  sampleRateValue: 0.1,
  persistentKeys: { team: 'checkout' },
  jsonReplacerFn: (_key: string, value: unknown) => (value instanceof Set ? [...value] : value),
});

export const withTeamLogger = middy(async () => {
  teamLogger.info('hello');
})
  .use(logContext({ logger: teamLogger, logEvent: true }))
  .use(injectLambdaContext(teamLogger, { resetKeys: true }));

export const ours = createLogger({
  logLevel: 'debug',
  serviceName: 'orders',
  sampleRateValue: 0,
  persistentKeys: { region: 'eu-west-1' },
  jsonReplacerFn: (_key: string, value: unknown) => value,
  logRecordOrder: ['message', 'level'],
});
export const withOurs = middy(async () => ours.with('k', 1).info('x')).use(logContext({ logger: ours }));
export const sink = sinkFor(teamLogger);
