// What each lambdaware concern costs on the warm success path: node bench/costs.js [rounds] [n]
// The lambdaware stack built up one middleware at a time (each step adds one to the previous), in one process, the
// same event and handler work as run.js, stdout to a null sink, steps interleaved over rounds. Prints the median
// µs per invocation of each step and what the step added.
import { startSecretsManager, startSentryIngest } from '../packages/testkit/dist/index.js';
import { EXPECTED, contextFor, requestId, stackEnv, successEvent } from './lib/workload.js';

const rounds = Number(process.argv[2] ?? 7);
const n = Number(process.argv[3] ?? 3000);
const sm = await startSecretsManager();
const ingest = await startSentryIngest({ keepAlive: true });
sm.setSecret('bench/lambdaware', { apiKey: 'sk-bench-costs' });
Object.assign(process.env, stackEnv({ stack: 'lambdaware', secretsManager: sm, ingest }));

const { default: middy } = await import('@middy/core');
const { logContext, logger } = await import('@lambdaware/logger');
const { errorLog } = await import('@lambdaware/errors');
const { sentry } = await import('@lambdaware/sentry');
const { secrets } = await import('@lambdaware/secrets');
const { records } = await import('@lambdaware/records');
const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');

// The stacks' lines go nowhere: only their cost is measured.
process.stdout.write = () => true;
const out = (s) => process.stderr.write(`${s}\n`);

const cached = JSON.parse((await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: 'bench/lambdaware' }))).SecretString);
const handWork = async (event, context) => {
  const messages = event.Records.map((r) => JSON.parse(r.body).message);
  if (typeof cached.apiKey !== 'string') throw new Error('no secret');
  process.stdout.write(
    `${JSON.stringify({ level: 'INFO', message: 'processed', timestamp: new Date().toISOString(), function_request_id: context.awsRequestId, count: messages.length })}\n`,
  );
  return messages.join(':');
};
const loggerWork = async (event) => {
  const messages = event.Records.map((r) => JSON.parse(r.body).message);
  if (typeof cached.apiKey !== 'string') throw new Error('no secret');
  logger.info('processed', { count: messages.length });
  return messages.join(':');
};
const secretsWork = async (event, context) => {
  const messages = event.Records.map((r) => JSON.parse(r.body).message);
  if (typeof context.secrets.benchSecret.apiKey !== 'string') throw new Error('no secret');
  logger.info('processed', { count: messages.length });
  return messages.join(':');
};
const fullWork = async (_event, context) => {
  const messages = context.records.map((r) => r.payload.message);
  if (typeof context.secrets.benchSecret.apiKey !== 'string') throw new Error('no secret');
  logger.info('processed', { count: messages.length });
  return messages.join(':');
};

const steps = [
  ['plain async handler (JSON.parse, hand-written line)', handWork],
  ['middy(handler)', middy(handWork)],
  ['+ logContext(), logger.info line', middy(loggerWork).use(logContext())],
  ['+ errorLog()', middy(loggerWork).use(logContext()).use(errorLog())],
  ['+ sentry() (DSN set)', middy(loggerWork).use(logContext()).use(errorLog()).use(sentry())],
  [
    '+ secrets()',
    middy(secretsWork)
      .use(logContext())
      .use(errorLog())
      .use(sentry())
      .use(secrets({ fetch: { benchSecret: { env: 'SECRET_ID' } } })),
  ],
  [
    '+ records() (= the lambdaware stack)',
    middy(fullWork)
      .use(logContext())
      .use(errorLog())
      .use(sentry())
      .use(secrets({ fetch: { benchSecret: { env: 'SECRET_ID' } } }))
      .use(records()),
  ],
  [
    'the same, middy timeoutEarlyInMillis: 0',
    middy(fullWork, { timeoutEarlyInMillis: 0 })
      .use(logContext())
      .use(errorLog())
      .use(sentry())
      .use(secrets({ fetch: { benchSecret: { env: 'SECRET_ID' } } }))
      .use(records()),
  ],
  [
    'the same, records({ source: "sqs" })',
    middy(fullWork, { timeoutEarlyInMillis: 0 })
      .use(logContext())
      .use(errorLog())
      .use(sentry())
      .use(secrets({ fetch: { benchSecret: { env: 'SECRET_ID' } } }))
      .use(records({ source: 'sqs' })),
  ],
  ['middy(handler), timeoutEarlyInMillis: 0 (vs middy(handler))', middy(handWork, { timeoutEarlyInMillis: 0 })],
];
const template = successEvent();
const run = async (handler) => {
  const events = Array.from({ length: n }, () => structuredClone(template));
  const contexts = Array.from({ length: n }, (_, i) => contextFor(requestId(0xc0, i)));
  const t0 = performance.now();
  for (let i = 0; i < n; i++) if ((await handler(events[i], contexts[i])) !== EXPECTED) throw new Error('wrong result');
  return ((performance.now() - t0) / n) * 1000;
};
const times = steps.map(() => []);
for (const [, h] of steps) await run(h); // warm-up
for (let r = 0; r < rounds; r++) for (let i = 0; i < steps.length; i++) times[(i + r) % steps.length].push(await run(steps[(i + r) % steps.length][1]));
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
out(`µs per successful invocation, median of ${rounds} rounds x ${n} (Node ${process.version})`);
let prev;
for (const [i, [label]] of steps.entries()) {
  const m = median(times[i]);
  out(`  ${label.padEnd(52)} ${m.toFixed(2).padStart(7)}${prev === undefined ? '' : `   ${m - prev >= 0 ? '+' : ''}${(m - prev).toFixed(2)}`}`);
  prev = m;
}
await sm.close();
await ingest.close();
process.exit(0);
