// middy-official: Middy with its official middlewares, Powertools logger, and the Sentry Lambda SDK, as their docs
// show: event-normalizer parses the SQS bodies, secrets-manager fetches the secret (prefetched at init, cached 5 min,
// parsed JSON on the context), injectLambdaContext adds the request id to every line, error-logger writes the error
// line through the same logger, and @sentry/aws-serverless wrapHandler captures and flushes.
import middy from '@middy/core';
import eventNormalizer from '@middy/event-normalizer';
import secretsManager from '@middy/secrets-manager';
import errorLogger from '@middy/error-logger';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import * as Sentry from '@sentry/aws-serverless';

export const createHandler = () => {
  Sentry.init({ dsn: process.env.SENTRY_DSN });
  const logger = new Logger();

  const work = async (event, context) => {
    const { apiKey } = context.benchSecret;
    if (typeof apiKey !== 'string') throw new Error(`secret ${process.env.SECRET_ID} has no apiKey`);
    const messages = [];
    for (const record of event.Records) {
      const { message } = record.body;
      if (message === 'fail') throw new Error(`record ${messages.length} rejected (request ${context.awsRequestId})`);
      messages.push(message);
    }
    logger.info('processed', { count: messages.length });
    return messages.join(':');
  };

  return Sentry.wrapHandler(
    middy(work)
      .use(injectLambdaContext(logger))
      .use(errorLogger({ logger: ({ error }) => logger.error(error.message, error) }))
      .use(eventNormalizer())
      .use(
        secretsManager({
          fetchData: { benchSecret: process.env.SECRET_ID },
          setToContext: true,
          cacheExpiry: 5 * 60 * 1000,
        }),
      ),
  );
};
