// @lambdaware/records against @middy/event-normalizer and Powertools parser's SqsEnvelope, in one run.
//
//   npx tsc -b packages/records packages/events && node_modules/.bin/node bench/records.bench.js
//   (BENCH_ROUNDS=9 BENCH_SCALE=1 by default)
//
// What it measures: decapsulating a 10-record SQS batch (JSON bodies of ~250 bytes) through a middy handler, per
// invocation, median over interleaved rounds (every case runs once per round, in turn):
//  - records()                         bodies JSON-parsed onto context.records (with id, metadata, raw record)
//  - records({ schema })               the same, each body validated with a zod 4 schema
//  - @middy/event-normalizer           bodies JSON-parsed in place on the event
//  - Powertools parser({ schema: JSONStringified(zod), envelope: SqsEnvelope })   the event replaced by the bodies
// and the plain functions: decapsulate(event, { schema }) against SqsEnvelope.parse(event, JSONStringified(schema)).
// Every case gets a fresh copy of the event (event-normalizer rewrites bodies in place); the copy is in the
// baseline (middy with no middleware), whose time is subtracted for the "overhead" column.

import middy from '@middy/core';
import eventNormalizer from '@middy/event-normalizer';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { SqsEnvelope } from '@aws-lambda-powertools/parser/envelopes/sqs';
import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import { z } from 'zod';
import { sqsEvent, lambdaContext } from '@lambdaware/events';
import { decapsulate, records } from '@lambdaware/records';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const N = 4000 * SCALE;

const Order = z.object({
  orderId: z.string(),
  customer: z.object({ id: z.string(), email: z.string() }),
  items: z.array(z.object({ sku: z.string(), qty: z.number().int().positive(), price: z.number() })),
  total: z.number(),
  currency: z.string(),
  placedAt: z.string(),
});
const orders = Array.from({ length: 10 }, (_, i) => ({
  orderId: `o-${1000 + i}`,
  customer: { id: `c-${i}`, email: `customer${i}@example.com` },
  items: [
    { sku: 'SKU-RED-1', qty: 1 + i, price: 12.5 },
    { sku: 'SKU-BLUE-2', qty: 2, price: 7.25 },
  ],
  total: 12.5 * (1 + i) + 14.5,
  currency: 'EUR',
  placedAt: '2024-05-01T10:00:00.000Z',
}));
const base = sqsEvent(orders);
const fresh = () => ({ Records: base.Records.map((r) => ({ ...r })) });
const context = lambdaContext();

const bodiesOf = {
  records: (_event, ctx) => ctx.records.map((r) => r.payload),
  normalizer: (event) => event.Records.map((r) => r.body),
  powertools: (event) => event,
};
const handlers = {
  bare: middy(async () => undefined),
  records: middy().use(records()).handler(async (e, c) => bodiesOf.records(e, c)),
  recordsSchema: middy().use(records({ schema: Order })).handler(async (e, c) => bodiesOf.records(e, c)),
  normalizer: middy().use(eventNormalizer()).handler(async (e) => bodiesOf.normalizer(e)),
  powertools: middy()
    .use(parser({ schema: JSONStringified(Order), envelope: SqsEnvelope }))
    .handler(async (e) => bodiesOf.powertools(e)),
};
const stringifiedOrder = JSONStringified(Order);
const fns = {
  decapsulate: async (event) => (await decapsulate(event, { schema: Order })).map((r) => r.payload),
  sqsEnvelope: async (event) => SqsEnvelope.parse(event, stringifiedOrder),
};

// Every case must produce the same payloads: compare once before timing.
const expected = JSON.stringify(orders);
for (const [name, h] of Object.entries({ ...handlers, ...fns })) {
  if (name === 'bare') continue;
  const out = h.length === 1 ? await h(fresh()) : await h(fresh(), context);
  if (JSON.stringify(out) !== expected) throw new Error(`${name} did not return the 10 orders: ${JSON.stringify(out).slice(0, 200)}`);
}

const invoke = (h) => async (n) => {
  for (let i = 0; i < n; i++) await h(fresh(), context);
};
const call = (fn) => async (n) => {
  for (let i = 0; i < n; i++) await fn(fresh());
};
const cases = [
  { group: 'middy', name: 'middy, no middleware (baseline)', run: invoke(handlers.bare) },
  { group: 'middy', name: 'records()', run: invoke(handlers.records) },
  { group: 'middy', name: 'records({ schema: zod })', run: invoke(handlers.recordsSchema) },
  { group: 'middy', name: '@middy/event-normalizer', run: invoke(handlers.normalizer) },
  { group: 'middy', name: 'Powertools parser({ SqsEnvelope, zod })', run: invoke(handlers.powertools) },
  { group: 'fn', name: 'decapsulate(event, { schema: zod })', run: call(fns.decapsulate) },
  { group: 'fn', name: 'SqsEnvelope.parse(event, JSONStringified(zod))', run: call(fns.sqsEnvelope) },
];

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
const us = new Map(cases.map((c) => [c.name, median(samples.get(c))]));
const f = (x, w = 8) => x.toFixed(2).padStart(w);
const ops = (x) => Math.round(1e6 / x).toLocaleString('en-US').padStart(9);

console.log(`node ${process.version}, ${ROUNDS} rounds x ${N} invocations per case, 10-record SQS batch (${base.Records[0].body.length} B bodies)`);
console.log('');
console.log('through middy                                      µs/inv     ops/s   overhead   overhead ratio');
const bare = us.get('middy, no middleware (baseline)');
// Each alternative against ours doing the same work: no validation vs records(), zod vs records({ schema }).
const against = {
  '@middy/event-normalizer': 'records()',
  'Powertools parser({ SqsEnvelope, zod })': 'records({ schema: zod })',
};
for (const c of cases.filter((c) => c.group === 'middy')) {
  const v = us.get(c.name);
  const over = v - bare;
  const ref = against[c.name];
  const ratio = ref === undefined ? '' : `${(over / (us.get(ref) - bare)).toFixed(2)}x ${ref}`;
  console.log(`  ${c.name.padEnd(46)}${f(v)} ${ops(v)}   ${c === cases[0] ? '       ' : f(over, 7)}   ${ratio}`);
}
console.log('');
console.log('plain functions                                    µs/call    ops/s   vs decapsulate');
const dec = us.get('decapsulate(event, { schema: zod })');
for (const c of cases.filter((c) => c.group === 'fn')) {
  const v = us.get(c.name);
  console.log(`  ${c.name.padEnd(46)}${f(v)} ${ops(v)}   ${(v / dec).toFixed(2)}x`);
}
console.log('');
console.log('(ratio > 1: the alternative takes longer than ours for the same work; overhead = µs/inv minus the baseline,\n which includes the copy of the event every case gets)');
