// lambdaware-app-sentry: a team that already has Sentry adds the lambdaware preset: Sentry.init of
// @sentry/aws-serverless (as middy-official does), then the preset, whose sentry() reports through the app's client
// (its scope, its beforeSend) instead of a client of its own. No wrapHandler: no flush after every invocation.
import middy from '@middy/core';
import * as Sentry from '@sentry/aws-serverless';
import { lambdaware } from '@lambdaware/preset';
import { work } from '../lib/lambdaware-work.js';

export const createHandler = () => {
  Sentry.init({ dsn: process.env.SENTRY_DSN });
  return middy(work).use(lambdaware({ secrets: { fetch: { benchSecret: { env: 'SECRET_ID' } } } }));
};
