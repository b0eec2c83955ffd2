// @lambdaware/http against @middy/http-json-body-parser + @middy/validator + @middy/http-error-handler and against
// Powertools' parser middleware with its API Gateway envelopes, in one run.
//
//   npx tsc -b packages/http packages/events && node_modules/.bin/node bench/http.bench.js
//   (BENCH_ROUNDS=9 BENCH_SCALE=1 by default; --quick: 5 rounds at a quarter of the invocations, a few seconds)
//
// What it measures: warm per-request cost through a middy handler, median over interleaved rounds (every case runs
// once per round, in turn), of a POST with a JSON order (~300 bytes) as API Gateway REST (v1) and HTTP API (v2)
// send it (@lambdaware/events builders), the body parsed and validated, the handler returning 200:
//  - http({ body: zod })                                          ours (zod 4 schema)
//  - http-json-body-parser + validator (ajv) + http-error-handler  the common Middy chain, the same schema in JSON Schema
//  - Powertools parser({ schema: JSONStringified(zod), envelope }) ApiGatewayEnvelope / ApiGatewayV2Envelope
// and, parsing only (no schema): http() against http-json-body-parser + http-error-handler;
// and the same for a bad request (two bad fields), each answered 400: ours with clientErrors 'quiet' (no line),
// Middy's error handler with logger false, Powertools with safeParse and the handler answering 400 itself (its
// middleware throws otherwise). Every case gets a shallow copy of the event (the Middy parser replaces its body);
// the copy is in the baseline (middy with no middleware), whose time is subtracted for the "overhead" column.
// Each case's answer is checked once before timing.

import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import validator from '@middy/validator';
import { transpileSchema } from '@middy/validator/transpile';
import httpErrorHandler from '@middy/http-error-handler';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { ApiGatewayEnvelope } from '@aws-lambda-powertools/parser/envelopes/api-gateway';
import { ApiGatewayV2Envelope } from '@aws-lambda-powertools/parser/envelopes/api-gatewayv2';
import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import { z } from 'zod';
import { apiGatewayV1Event, apiGatewayV2Event, lambdaContext } from '@lambdaware/events';
import { http } from '@lambdaware/http';

const QUICK = process.argv.includes('--quick');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 5 : 9));
const SCALE = Number(process.env.BENCH_SCALE ?? (QUICK ? 0.25 : 1));
const N = Math.ceil(10000 * SCALE);

const Order = z.object({
  orderId: z.string(),
  customer: z.object({ id: z.string(), email: z.string() }),
  items: z.array(z.object({ sku: z.string(), qty: z.number().int().positive(), price: z.number() })),
  total: z.number(),
  currency: z.string(),
});
const OrderJson = {
  type: 'object',
  required: ['orderId', 'customer', 'items', 'total', 'currency'],
  properties: {
    orderId: { type: 'string' },
    customer: { type: 'object', required: ['id', 'email'], properties: { id: { type: 'string' }, email: { type: 'string' } } },
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['sku', 'qty', 'price'],
        properties: { sku: { type: 'string' }, qty: { type: 'integer', exclusiveMinimum: 0 }, price: { type: 'number' } },
      },
    },
    total: { type: 'number' },
    currency: { type: 'string' },
  },
};
const order = {
  orderId: 'o-1001',
  customer: { id: 'c-1', email: 'customer1@example.com' },
  items: [
    { sku: 'SKU-RED-1', qty: 2, price: 12.5 },
    { sku: 'SKU-BLUE-2', qty: 1, price: 7.25 },
  ],
  total: 32.25,
  currency: 'EUR',
};
const badOrder = { ...order, orderId: 1001, items: [{ sku: 'SKU-RED-1', qty: 0, price: 12.5 }] };

const events = {
  v1: { good: apiGatewayV1Event(order, { path: '/orders' }), bad: apiGatewayV1Event(badOrder, { path: '/orders' }) },
  v2: { good: apiGatewayV2Event(order, { path: '/orders' }), bad: apiGatewayV2Event(badOrder, { path: '/orders' }) },
};
const envelopes = { v1: ApiGatewayEnvelope, v2: ApiGatewayV2Envelope };
const context = lambdaContext();
const ok = (body) => ({ statusCode: 200, body: JSON.stringify({ orderId: body.orderId, items: body.items.length }) });
const badRequest = { statusCode: 400, body: 'Bad Request' };

const eventSchema = transpileSchema({ type: 'object', required: ['body'], properties: { body: OrderJson } });
const stacks = (kind) => ({
  bare: middy(async () => undefined),
  http: middy()
    .use(http({ body: Order, clientErrors: 'quiet' }))
    .handler(async (_e, c) => ok(c.request.body)),
  middy: middy()
    .use(httpJsonBodyParser())
    .use(validator({ eventSchema }))
    .use(httpErrorHandler({ logger: false }))
    .handler(async (e) => ok(e.body)),
  powertools: middy()
    .use(parser({ schema: JSONStringified(Order), envelope: envelopes[kind], safeParse: true }))
    .handler(async (parsed) => (parsed.success ? ok(parsed.data) : badRequest)),
  // Parsing only, no validation (valid requests only):
  httpParse: middy()
    .use(http())
    .handler(async (_e, c) => ok(c.request.body)),
  middyParse: middy()
    .use(httpJsonBodyParser())
    .use(httpErrorHandler({ logger: false }))
    .handler(async (e) => ok(e.body)),
});

const NAMES = {
  bare: 'middy, no middleware (baseline)',
  http: 'http({ body: zod })',
  middy: 'json-body-parser + validator + error-handler',
  powertools: 'Powertools parser({ envelope, zod })',
  httpParse: 'http() (parse only)',
  middyParse: 'json-body-parser + error-handler (parse only)',
};
const cases = [];
for (const kind of ['v1', 'v2']) {
  const h = stacks(kind);
  for (const outcome of ['good', 'bad']) {
    const base = events[kind][outcome];
    for (const who of Object.keys(h)) {
      if ((who === 'bare' || who.endsWith('Parse')) && outcome === 'bad') continue;
      const handler = h[who];
      // Checked once: a good request answered 200 with the order, a bad one 400, by every case.
      if (who !== 'bare') {
        const answer = await handler({ ...base }, context);
        const want = outcome === 'good' ? 200 : 400;
        if (answer?.statusCode !== want) throw new Error(`${NAMES[who]} (${kind}, ${outcome}) answered ${JSON.stringify(answer).slice(0, 300)}`);
        if (outcome === 'good' && answer.body !== ok(order).body) throw new Error(`${NAMES[who]} (${kind}) returned ${answer.body}`);
      }
      cases.push({
        kind,
        outcome,
        who,
        run: async (n) => {
          for (let i = 0; i < n; i++) await handler({ ...base }, context);
        },
      });
    }
  }
}

for (const c of cases) await c.run(Math.ceil(N / 10));
const samples = new Map(cases.map((c) => [c, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const c of cases) {
    const t0 = process.hrtime.bigint();
    await c.run(N);
    samples.get(c).push(Number(process.hrtime.bigint() - t0) / 1000 / N);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const us = (kind, outcome, who) => median(samples.get(cases.find((c) => c.kind === kind && c.outcome === outcome && c.who === who)));
const f = (x, w = 8) => x.toFixed(2).padStart(w);

console.log(`node ${process.version}, ${ROUNDS} rounds x ${N} requests per case, a POST of a ${JSON.stringify(order).length}-byte JSON order`);
for (const kind of ['v1', 'v2']) {
  const bare = us(kind, 'good', 'bare');
  for (const outcome of ['good', 'bad']) {
    console.log('');
    const title = `${kind === 'v1' ? 'API Gateway REST (v1)' : 'HTTP API (v2)'}, ${outcome === 'good' ? 'valid request -> 200' : 'bad request (2 bad fields) -> 400'}`;
    console.log(`${title.padEnd(58)}µs/req   overhead   overhead / http()'s`);
    const ours = us(kind, outcome, 'http') - bare;
    if (outcome === 'good') console.log(`  ${NAMES.bare.padEnd(56)}${f(bare)}`);
    const row = (who, vs) => {
      const v = us(kind, outcome, who);
      console.log(`  ${NAMES[who].padEnd(56)}${f(v)}   ${f(v - bare, 7)}   ${vs === undefined ? '' : `${((v - bare) / vs).toFixed(2)}x`}`);
    };
    row('http');
    row('middy', ours);
    row('powertools', ours);
    if (outcome === 'good') {
      row('httpParse');
      row('middyParse', us(kind, outcome, 'httpParse') - bare);
    }
  }
}
console.log('');
console.log(
  '(ratio > 1: the alternative adds more per request than http() for the same work (the parse-only row: than\n http() without a schema); overhead = µs/req minus the baseline, which includes the shallow copy of the event)',
);
