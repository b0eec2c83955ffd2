// @lambdaware/logger against plain Powertools Logger and pino, in one run.
//
//   node_modules/.bin/node bench/logger.bench.js            (BENCH_ROUNDS=9 BENCH_SCALE=1 by default)
//
// What it measures (µs per operation, median over interleaved rounds; every case runs once per round, in turn):
//  - per-invocation overhead: a middy handler that writes nothing, with logContext() / Powertools'
//    injectLambdaContext() / a pino child per invocation, minus the same handler with no middleware;
//  - one info line with two fields, inside an invocation: ours (fields object, and with().with()), Powertools, pino;
//  - the same line with 5 secrets registered (structural masking of the message and fields), and with none;
//  - a line with a nested object (the path that copies it as JSON data: own keys, depth limit);
//  - a team's own Powertools Logger under logContext() (its formatter wrapped: own keys, depth limit, masking);
//  - debug lines held per successful invocation (issue 23): lambdaware's buffer, Powertools' buffer, and writing them
//    (LOG_LEVEL=debug), per line; and the bytes written per 1,000 invocations at 1 % failures, buffer vs debug.
// Every line goes to a null sink (process.stdout.write replaced, pino given the same null stream), so the
// numbers are formatting and serialization, not I/O.

import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import pino from 'pino';
import { createLogger, logContext, sinkFor } from '@lambdaware/logger';
import { clearSecrets, registerSecret } from '@lambdaware/shared';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const SCALE = Number(process.env.BENCH_SCALE ?? 1);

// ---- the null sink -------------------------------------------------------------------------------------------
let bytes = 0;
const nullWrite = (chunk, ...rest) => {
  bytes += chunk.length;
  const cb = rest.find((r) => typeof r === 'function');
  if (cb) cb();
  return true;
};
const realWrite = process.stdout.write;
const print = (s) => realWrite.call(process.stdout, `${s}\n`);
process.stdout.write = nullWrite;
const nullStream = { write: nullWrite };

// ---- the loggers ---------------------------------------------------------------------------------------------
const ours = createLogger({ serviceName: 'bench', level: 'info' });
const powertools = new Logger({ serviceName: 'bench', logLevel: 'INFO' });
const team = new Logger({ serviceName: 'bench', logLevel: 'INFO' });
const pinoRoot = pino({ level: 'info', base: { service: 'bench' } }, nullStream);

const ctx = {
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  functionName: 'bench-fn',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:bench-fn',
  memoryLimitInMB: '256',
  getRemainingTimeInMillis: () => 30000,
};
const event = { orderId: 'o-1', amount: 42 };
const fields = { orderId: 'o-123', amount: 42 };
const nested = {
  order: {
    id: 'o-123',
    items: [
      { sku: 'A-1', qty: 2 },
      { sku: 'B-7', qty: 1 },
    ],
  },
};

// A pino "context middleware" as people write it: a child logger with the request keys, per invocation.
let pinoLog = pinoRoot;
const pinoContext = () => ({
  before: (request) => {
    pinoLog = pinoRoot.child({ function_request_id: request.context.awsRequestId, function_name: request.context.functionName });
  },
});

const noop = async () => undefined;
const handlers = {
  bare: middy(noop),
  ours: middy(noop).use(logContext({ logger: ours })),
  powertools: middy(noop).use(injectLambdaContext(powertools, { resetKeys: true })),
  pino: middy(noop).use(pinoContext()),
};
// A team's own Logger given to logContext() (a logContext() that does not accept one: the rows are left out).
try {
  handlers.team = middy(noop).use(logContext({ logger: team, logSink: false }));
} catch {
  handlers.team = undefined;
}

// Lines are written inside an invocation (context keys present), set up once.
ours.addContext(ctx);
powertools.addContext(ctx);
team.addContext(ctx);
pinoLog = pinoRoot.child({ function_request_id: ctx.awsRequestId, function_name: ctx.functionName });

// Debug lines per invocation (issue 23): held by lambdaware's buffer, held by Powertools' buffer (it buffers only
// with a trace id: one is set while its cases run), written at debug.
const TRACE = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=557abcec3ee5a047;Sampled=1';
const traced = (run) => async (n) => {
  process.env._X_AMZN_TRACE_ID = TRACE;
  try {
    await run(n);
  } finally {
    delete process.env._X_AMZN_TRACE_ID;
  }
};
const DEBUG_LINES = 10;
const held = createLogger({ serviceName: 'bench', level: 'info', logBufferOptions: {} });
const atDebug = createLogger({ serviceName: 'bench', level: 'debug' });
const ptHeld = new Logger({ serviceName: 'bench', logLevel: 'INFO', logBufferOptions: { enabled: true } });
const debugLines = (log) => async (e) => {
  for (let i = 0; i < DEBUG_LINES; i++) log.debug('loaded order', { orderId: e.orderId, step: i });
  if (e.fail) throw new Error('order not saved');
};
/** errorLog()'s part: the failure's error line through the logger's sink (its held lines first). */
const errorLine = (log) => ({
  onError: (request) => {
    sinkFor(log).log('error', request.error.message, { error: { type: 'Error', message: request.error.message } }, { error: request.error });
    request.response = 'handled';
  },
});
handlers.held = middy(debugLines(held))
  .use(logContext({ logger: held, logSink: false }))
  .use(errorLine(held));
handlers.atDebug = middy(debugLines(atDebug))
  .use(logContext({ logger: atDebug, logSink: false }))
  .use(errorLine(atDebug));
handlers.ptHeld = middy(debugLines(ptHeld)).use(injectLambdaContext(ptHeld, { resetKeys: true }));
handlers.ptLogger = middy(async () => undefined).use(
  injectLambdaContext(new Logger({ serviceName: 'bench', logLevel: 'INFO', logBufferOptions: { enabled: true } }), { resetKeys: true }),
);

// ---- the cases -----------------------------------------------------------------------------------------------
const invocations = 20000 * SCALE;
const lines = 20000 * SCALE;

const asyncCase = (fn) => async (n) => {
  for (let i = 0; i < n; i++) await fn(event, ctx);
};
const syncCase = (fn) => async (n) => {
  for (let i = 0; i < n; i++) fn();
};

const SECRETS = ['sk_live_51HxQ2eKx9', 'p"ssw0rd\\x', 'AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG', 'ghp_16C7e42F292c6912'];

const cases = [
  { group: 'invocation', name: 'middy, no middleware', n: invocations, run: asyncCase(handlers.bare) },
  { group: 'invocation', name: 'middy + logContext()', n: invocations, run: asyncCase(handlers.ours) },
  { group: 'invocation', name: 'middy + Powertools injectLambdaContext', n: invocations, run: asyncCase(handlers.powertools) },
  { group: 'invocation', name: 'middy + pino child per invocation', n: invocations, run: asyncCase(handlers.pino) },
  ...(handlers.team
    ? [{ group: 'invocation', name: "middy + logContext({ logger: team's Powertools Logger })", n: invocations, run: asyncCase(handlers.team) }]
    : []),
  { group: 'line', name: 'ours info(msg, fields)', n: lines, run: syncCase(() => ours.info('order placed', fields)) },
  { group: 'line', name: 'ours with().with().info(msg)', n: lines, run: syncCase(() => ours.with('orderId', 'o-123').with('amount', 42).info('order placed')) },
  {
    group: 'line',
    name: 'ours info(msg, fields), 5 secrets registered',
    n: lines,
    run: async (n) => {
      for (const s of SECRETS) registerSecret(s);
      try {
        for (let i = 0; i < n; i++) ours.info('order placed', fields);
      } finally {
        clearSecrets();
      }
    },
  },
  { group: 'line', name: 'ours info(msg, nested object)', n: lines, run: syncCase(() => ours.info('order placed', nested)) },
  { group: 'line', name: 'Powertools info(msg, fields)', n: lines, run: syncCase(() => powertools.info('order placed', fields)) },
  { group: 'line', name: 'Powertools info(msg, nested object)', n: lines, run: syncCase(() => powertools.info('order placed', nested)) },
  ...(handlers.team
    ? [{ group: 'line', name: "team's Powertools Logger info(), formatter guarded", n: lines, run: syncCase(() => team.info('order placed', fields)) }]
    : []),
  { group: 'line', name: 'pino child info(fields, msg)', n: lines, run: syncCase(() => pinoLog.info(fields, 'order placed')) },
  { group: 'line', name: 'ours debug() below the level', n: lines, run: syncCase(() => ours.debug('hidden', fields)) },
  { group: 'buffer', name: 'logContext(), no line', n: invocations / 2, run: asyncCase(handlers.ours) },
  { group: 'buffer', name: `ours, ${DEBUG_LINES} debug lines held (logBufferOptions), dropped`, n: invocations / 2, run: asyncCase(handlers.held) },
  { group: 'buffer', name: `ours, ${DEBUG_LINES} debug lines written (LOG_LEVEL=debug)`, n: invocations / 2, run: asyncCase(handlers.atDebug) },
  { group: 'buffer', name: 'injectLambdaContext, buffer on, no line', n: invocations / 2, run: traced(asyncCase(handlers.ptLogger)) },
  { group: 'buffer', name: `Powertools, ${DEBUG_LINES} debug lines held (its buffer), dropped`, n: invocations / 2, run: traced(asyncCase(handlers.ptHeld)) },
];

// ---- run: warm up, then interleave rounds --------------------------------------------------------------------
for (const c of cases) await c.run(Math.ceil(c.n / 10));
const samples = new Map(cases.map((c) => [c, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const c of cases) {
    const t0 = process.hrtime.bigint();
    await c.run(c.n);
    const t1 = process.hrtime.bigint();
    samples.get(c).push(Number(t1 - t0) / 1000 / c.n);
  }
}
// Bytes written per 1,000 invocations with 1 % failing (10 debug lines each): buffer on vs LOG_LEVEL=debug.
const bytesPer1000 = async (handler) => {
  const before = bytes;
  for (let i = 0; i < 1000; i++) await handler({ orderId: `o-${i}`, fail: i % 100 === 99 }, ctx);
  return bytes - before;
};
const heldBytes = await bytesPer1000(handlers.held);
const debugBytes = await bytesPer1000(handlers.atDebug);
process.stdout.write = realWrite;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const us = new Map(cases.map((c) => [c.name, median(samples.get(c))]));
const f = (x) => x.toFixed(2).padStart(7);

print(
  `node ${process.version}, ${ROUNDS} rounds, ${invocations} invocations / ${lines} lines per case per round (null sink, ${(bytes / 1e6).toFixed(0)} MB discarded)`,
);
print('');
print('per-invocation overhead (handler writes nothing)           µs/inv   overhead   vs Powertools');
const bare = us.get('middy, no middleware');
const ptOverhead = us.get('middy + Powertools injectLambdaContext') - bare;
for (const c of cases.filter((c) => c.group === 'invocation')) {
  const v = us.get(c.name);
  const over = v - bare;
  const ratio = c.name === 'middy, no middleware' ? '' : `${(over / ptOverhead).toFixed(2)}x`;
  print(`  ${c.name.padEnd(56)}${f(v)}   ${c.name === 'middy, no middleware' ? '       ' : f(over)}   ${ratio}`);
}
print('');
print('one info line (two fields, context keys present)            µs/line   vs Powertools   vs pino');
const pt = us.get('Powertools info(msg, fields)');
const pn = us.get('pino child info(fields, msg)');
for (const c of cases.filter((c) => c.group === 'line')) {
  const v = us.get(c.name);
  print(`  ${c.name.padEnd(56)}${f(v)}   ${`${(v / pt).toFixed(2)}x`.padStart(12)}   ${`${(v / pn).toFixed(2)}x`.padStart(7)}`);
}
const red = us.get('ours info(msg, fields), 5 secrets registered') - us.get('ours info(msg, fields)');
print('');
print(`structural masking (message and fields, before serialization) with 5 secrets registered: ${red.toFixed(2)} µs per line`);
print('');
print(`debug lines per successful invocation (${DEBUG_LINES} per invocation)          µs/inv   µs/line over no line`);
const ourBase = us.get('logContext(), no line');
const ptBase = us.get('injectLambdaContext, buffer on, no line');
for (const c of cases.filter((c) => c.group === 'buffer')) {
  const v = us.get(c.name);
  const base = c.name.startsWith('Powertools') || c.name.startsWith('injectLambdaContext') ? ptBase : ourBase;
  const per = c.name.includes('no line') ? '' : f((v - base) / DEBUG_LINES);
  print(`  ${c.name.padEnd(56)}${f(v)}   ${per}`);
}
print(
  `bytes written per 1,000 invocations, 1 % failing, ${DEBUG_LINES} debug lines each: buffer on ${(heldBytes / 1024).toFixed(0)} KB, LOG_LEVEL=debug ${(debugBytes / 1024).toFixed(0)} KB (${(debugBytes / heldBytes).toFixed(1)}x)`,
);
