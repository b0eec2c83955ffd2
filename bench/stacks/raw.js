// raw: the floor. The same work done by hand, as a careful author would write it without a framework:
// bodies parsed in a loop, JSON lines written with process.stdout.write, LOG_LEVEL read once, the secret fetched
// once with the AWS SDK v3 and kept in a module variable (5 min TTL, as the other stacks), and Sentry through a
// minimal @sentry/core client (no integrations, a node:http transport) captured and flushed on error.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Scope, ServerRuntimeClient, createStackParser, createTransport, nodeStackLineParser } from '@sentry/core';

const LEVELS = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, critical: 5, silent: 6 };
const SECRET_TTL_MS = 5 * 60 * 1000;

const makeRequest = (url) => (req) =>
  new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const r = send(url, { method: 'POST', headers: { 'content-type': 'application/x-sentry-envelope' } }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({
          statusCode: res.statusCode,
          headers: { 'retry-after': res.headers['retry-after'] ?? null, 'x-sentry-rate-limits': res.headers['x-sentry-rate-limits'] ?? null },
        }),
      );
    });
    r.on('error', reject);
    r.end(req.body);
  });

export const createHandler = () => {
  const level = LEVELS[(process.env.LOG_LEVEL ?? 'info').toLowerCase()] ?? LEVELS.info;
  const write = (lvl, message, requestId, fields) => {
    if (LEVELS[lvl] < level) return;
    process.stdout.write(
      `${JSON.stringify({ level: lvl.toUpperCase(), message, timestamp: new Date().toISOString(), function_request_id: requestId, ...fields })}\n`,
    );
  };

  const sm = new SecretsManagerClient({});
  const secretId = process.env.SECRET_ID;
  let secret;
  let secretAt = 0;
  const getSecret = async () => {
    if (secret === undefined || Date.now() - secretAt > SECRET_TTL_MS) {
      const out = await sm.send(new GetSecretValueCommand({ SecretId: secretId }));
      secret = JSON.parse(out.SecretString);
      secretAt = Date.now();
    }
    return secret;
  };

  let sentry;
  if (process.env.SENTRY_DSN) {
    sentry = new ServerRuntimeClient({
      dsn: process.env.SENTRY_DSN,
      integrations: [],
      stackParser: createStackParser(nodeStackLineParser()),
      transport: (options) => createTransport(options, makeRequest(options.url)),
    });
    sentry.init();
  }

  return async (event, context) => {
    const requestId = context.awsRequestId;
    try {
      const { apiKey } = await getSecret();
      if (typeof apiKey !== 'string') throw new Error(`secret ${secretId} has no apiKey`);
      const messages = [];
      for (const record of event.Records) {
        const { message } = JSON.parse(record.body);
        if (message === 'fail') throw new Error(`record ${messages.length} rejected (request ${requestId})`);
        messages.push(message);
      }
      write('info', 'processed', requestId, { count: messages.length });
      return messages.join(':');
    } catch (error) {
      let sentryEventID;
      if (sentry !== undefined) {
        const scope = new Scope();
        scope.setClient(sentry);
        scope.setTag('aws_request_id', requestId);
        scope.setTag('function_name', context.functionName);
        sentryEventID = sentry.captureException(error, { mechanism: { type: 'bench.raw', handled: false } }, scope);
        await sentry.flush(2000);
      }
      write('error', error.message, requestId, { error: { name: error.name, message: error.message, stack: error.stack, sentryEventID } });
      throw error;
    }
  };
};
