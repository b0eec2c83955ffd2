// powertools-first: Powertools for AWS Lambda used as functions, without Middy, as its docs show for a plain
// handler: parse() with SqsEnvelope and a zod schema (JSONStringified), the Powertools logger with addContext(), getSecret() from
// Powertools parameters (JSON transform, cached 5 min), and @sentry/aws-serverless wrapHandler (capture + flush).
import { Logger } from '@aws-lambda-powertools/logger';
import { parse } from '@aws-lambda-powertools/parser';
import { SqsEnvelope } from '@aws-lambda-powertools/parser/envelopes/sqs';
import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import * as Sentry from '@sentry/aws-serverless';
import { z } from 'zod';

// SqsEnvelope validates each record's body with the schema; JSONStringified parses the JSON text first.
const Body = JSONStringified(z.object({ message: z.string() }));

export const createHandler = () => {
  Sentry.init({ dsn: process.env.SENTRY_DSN });
  const logger = new Logger();
  const secretId = process.env.SECRET_ID;

  return Sentry.wrapHandler(async (event, context) => {
    logger.addContext(context);
    try {
      const { apiKey } = await getSecret(secretId, { transform: 'json', maxAge: 300 });
      if (typeof apiKey !== 'string') throw new Error(`secret ${secretId} has no apiKey`);
      const bodies = parse(event, SqsEnvelope, Body);
      const messages = [];
      for (const { message } of bodies) {
        if (message === 'fail') throw new Error(`record ${messages.length} rejected (request ${context.awsRequestId})`);
        messages.push(message);
      }
      logger.info('processed', { count: messages.length });
      return messages.join(':');
    } catch (error) {
      logger.error(error.message, error);
      throw error;
    }
  });
};
