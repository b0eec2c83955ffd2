// @lambdaware/errors against plain Errors and @middy/error-logger, in one run.
//
//   node_modules/.bin/node bench/errors.bench.js            (BENCH_ROUNDS=5 BENCH_SCALE=1 by default)
//
// What it measures (µs per operation, median over interleaved rounds; every case runs once per round, in turn):
//  - creating an error: `new Error()` against `newError().with().with()` (the stack is captured, never parsed);
//  - serializing a three-level wrap chain: serializeError (frames parsed, values merged) against safeStringify
//    (@lambdaware/shared: name, message, raw stack string) and a bare JSON.stringify({ name, message, stack });
//  - a failing invocation: middy with errorLog(), with @middy/error-logger (logging JSON of message and stack,
//    as people configure it), and with no middleware; each line is JSON-stringified into a null sink, so the
//    numbers are serialization, not I/O;
//  - a successful invocation with each of them (errorLog() costs its `before` hook only).

import middy from '@middy/core';
import errorLogger from '@middy/error-logger';
import { errorLog, newError, serializeError, wrapError } from '@lambdaware/errors';
import { safeStringify, setLogSink } from '@lambdaware/shared';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SCALE = Number(process.env.BENCH_SCALE ?? 1);

let bytes = 0;
setLogSink({
  log: (level, message, fields) => {
    bytes += JSON.stringify({ level, message, ...fields }).length;
  },
});

const ctx = { awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678', functionName: 'bench-fn', getRemainingTimeInMillis: () => 30000 };
const event = { orderId: 'o-1' };

const chain = () => {
  const root = newError('connection reset').with('host', 'db-1');
  const mid = wrapError(root, 'query failed').with('table', 'orders');
  return wrapError(mid, 'handler failed').with('orderId', 'o-1');
};
const plainChain = () => new Error('handler failed', { cause: new Error('query failed', { cause: new Error('connection reset') }) });

const failing = async () => {
  throw chain();
};
const ok = async () => ({ ok: true });
const middyLogger = errorLogger({
  logger: ({ error }) => {
    bytes += JSON.stringify({ message: error.message, stack: error.stack }).length;
  },
});

const handlers = {
  'fail: no middleware': middy(failing),
  'fail: errorLog()': middy(failing).use(errorLog()),
  'fail: @middy/error-logger': middy(failing).use(middyLogger),
  'ok: no middleware': middy(ok),
  'ok: errorLog()': middy(ok).use(errorLog()),
  'ok: @middy/error-logger': middy(ok).use(middyLogger),
};

const serialized = chain();
const plain = plainChain();

const N = { create: 10000 * SCALE, serialize: 2000 * SCALE, invoke: 2000 * SCALE };
const cases = {
  'create: new Error()': [N.create, () => new Error('boom')],
  'create: newError().with().with()': [N.create, () => newError('boom').with('orderId', 'o-1').with('n', 2)],
  'serialize chain: serializeError': [N.serialize, () => JSON.stringify(serializeError(serialized)).length],
  'serialize chain: safeStringify (raw stacks)': [N.serialize, () => safeStringify(plain).length],
  'serialize chain: JSON.stringify({message, stack})': [N.serialize, () => JSON.stringify({ message: plain.message, stack: plain.stack }).length],
  ...Object.fromEntries(Object.entries(handlers).map(([name, h]) => [`invoke ${name}`, [N.invoke, () => h(event, ctx).catch(() => undefined)]])),
};

const timings = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let round = 0; round <= ROUNDS; round++) {
  for (const [name, [n, fn]] of Object.entries(cases)) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const r = fn();
      if (r instanceof Promise) await r;
    }
    const us = Number(process.hrtime.bigint() - start) / 1000 / n;
    if (round > 0) timings[name].push(us); // round 0 warms up
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const m = Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, median(v)]));

const row = (name, base) => {
  const ratio = base === undefined ? '' : `  x${(m[name] / m[base]).toFixed(2)} vs ${base}`;
  console.log(`${name.padEnd(52)} ${m[name].toFixed(3).padStart(8)} µs${ratio}`);
};
console.log(`@lambdaware/errors bench: node ${process.version}, ${ROUNDS} rounds, median µs/op (${bytes} bytes to the null sink)`);
row('create: new Error()');
row('create: newError().with().with()', 'create: new Error()');
row('serialize chain: JSON.stringify({message, stack})');
row('serialize chain: safeStringify (raw stacks)', 'serialize chain: JSON.stringify({message, stack})');
row('serialize chain: serializeError', 'serialize chain: JSON.stringify({message, stack})');
row('invoke fail: no middleware');
row('invoke fail: @middy/error-logger', 'invoke fail: no middleware');
row('invoke fail: errorLog()', 'invoke fail: @middy/error-logger');
row('invoke ok: no middleware');
row('invoke ok: @middy/error-logger', 'invoke ok: no middleware');
row('invoke ok: errorLog()', 'invoke ok: no middleware');
console.log(
  `errorLog() success-path overhead: ${(m['invoke ok: errorLog()'] - m['invoke ok: no middleware']).toFixed(3)} µs/invocation; ` +
    `error path over the bare failing invocation: ${(m['invoke fail: errorLog()'] - m['invoke fail: no middleware']).toFixed(1)} µs`,
);
