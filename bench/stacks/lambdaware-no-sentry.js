// lambdaware-no-sentry: the lambdaware stack doing the same work with no Sentry at all: no SENTRY_DSN in its
// environment and sentry() left out of the preset. Failures still write their one error line (errorLog()); nothing
// is sent. The floor of the lambdaware stack's error path: the target is this + 600 µs (one loopback POST of the
// event and its answer).
import middy from '@middy/core';
import { lambdaware } from '@lambdaware/preset';
import { work } from '../lib/lambdaware-work.js';

export const createHandler = () => {
  return middy(work).use(lambdaware({ sentry: false, secrets: { fetch: { benchSecret: { env: 'SECRET_ID' } } } }));
};
