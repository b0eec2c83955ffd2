// @lambdaware/records against @middy/event-normalizer and Powertools parser's SqsEnvelope, in one run.
//
//   npx tsc -b packages/records packages/events && node_modules/.bin/node bench/records.bench.js
//   (BENCH_ROUNDS=9 BENCH_SCALE=1 by default; --quick: 5 rounds at half the invocations, well under a minute)
//   BENCH_BASELINE=/path/to/an/older/packages/records/dist/index.js adds that build's records() and decapsulate()
//   to the same run (e.g. the main branch's build, to compare before and after a change).
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
//
// Then one row per data-pipeline source, decapsulate(event, { schema }) against the Powertools envelope for the same
// 10-record event (same zod schema, the same payloads checked before timing): CloudWatch Logs (CloudWatchEnvelope),
// CloudWatch Logs through Kinesis (KinesisEnvelope, which unzips the batch), Kinesis Firehose
// (KinesisFirehoseEnvelope), MSK (KafkaEnvelope), EventBridge through SQS (SqsEnvelope with the EventBridge schema),
// S3 through EventBridge (EventBridgeEnvelope), and KPL aggregates (Powertools has none: aws-kinesis-agg's
// deaggregateSync, then JSON.parse and the schema).
//
// Last, the bundle (esbuild --bundle --minify --platform=node --format=esm, @aws-sdk external) of a module using
// records() from the SQS entry point (@lambdaware/records/sqs), from the main one with source 'sqs', and with every
// source detected: what a function that names its source ships (issue 25's target: <= 20 KB for the SQS entry).

import middy from '@middy/core';
import eventNormalizer from '@middy/event-normalizer';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { SqsEnvelope } from '@aws-lambda-powertools/parser/envelopes/sqs';
import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import { z } from 'zod';
import { createRequire } from 'node:module';
import { CloudWatchEnvelope, EventBridgeEnvelope, KafkaEnvelope, KinesisEnvelope, KinesisFirehoseEnvelope } from '@aws-lambda-powertools/parser/envelopes';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas';
import {
  cloudWatchLogsData,
  cloudWatchLogsEvent,
  eventBridgeOverSqsEvent,
  firehoseEvent,
  kafkaEvent,
  kinesisEvent,
  kplAggregate,
  s3EventBridgeEvent,
  sqsEvent,
  lambdaContext,
} from '@lambdaware/events';
import { decapsulate, records } from '@lambdaware/records';
import { records as sqsRecords } from '@lambdaware/records/sqs';
import { build } from 'esbuild';

const QUICK = process.argv.includes('--quick');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 5 : 9));
const SCALE = Number(process.env.BENCH_SCALE ?? (QUICK ? 0.5 : 1));
const baseline = process.env.BENCH_BASELINE === undefined ? undefined : await import(process.env.BENCH_BASELINE);
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
  records: middy()
    .use(records())
    .handler(async (e, c) => bodiesOf.records(e, c)),
  recordsSchema: middy()
    .use(records({ schema: Order }))
    .handler(async (e, c) => bodiesOf.records(e, c)),
  recordsSqsEntry: middy()
    .use(sqsRecords())
    .handler(async (e, c) => bodiesOf.records(e, c)),
  normalizer: middy()
    .use(eventNormalizer())
    .handler(async (e) => bodiesOf.normalizer(e)),
  powertools: middy()
    .use(parser({ schema: JSONStringified(Order), envelope: SqsEnvelope }))
    .handler(async (e) => bodiesOf.powertools(e)),
  ...(baseline === undefined
    ? {}
    : {
        recordsBaseline: middy()
          .use(baseline.records())
          .handler(async (e, c) => bodiesOf.records(e, c)),
      }),
};
const stringifiedOrder = JSONStringified(Order);
const fns = {
  decapsulate: async (event) => (await decapsulate(event, { schema: Order })).map((r) => r.payload),
  sqsEnvelope: async (event) => SqsEnvelope.parse(event, stringifiedOrder),
  ...(baseline === undefined ? {} : { decapsulateBaseline: async (event) => (await baseline.decapsulate(event, { schema: Order })).map((r) => r.payload) }),
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
  { group: 'middy', name: 'records() [@lambdaware/records/sqs]', run: invoke(handlers.recordsSqsEntry) },
  { group: 'middy', name: '@middy/event-normalizer', run: invoke(handlers.normalizer) },
  { group: 'middy', name: 'Powertools parser({ SqsEnvelope, zod })', run: invoke(handlers.powertools) },
  { group: 'fn', name: 'decapsulate(event, { schema: zod })', run: call(fns.decapsulate) },
  { group: 'fn', name: 'SqsEnvelope.parse(event, JSONStringified(zod))', run: call(fns.sqsEnvelope) },
  ...(baseline === undefined
    ? []
    : [
        { group: 'middy', name: 'records() [BENCH_BASELINE build]', run: invoke(handlers.recordsBaseline) },
        { group: 'fn', name: 'decapsulate [BENCH_BASELINE build]', run: call(fns.decapsulateBaseline) },
      ]),
];

// ---- data-pipeline sources: decapsulate against the Powertools envelope (or aws-kinesis-agg for KPL) -----------------
const agg = createRequire(import.meta.url)('aws-kinesis-agg');
const stringified = JSONStringified(Order);
const payloadsOf = async (event) => (await decapsulate(event, { schema: Order })).map((r) => r.payload);
const eventBridgeOrder = JSONStringified(EventBridgeSchema.extend({ detail: Order }));
const kinesisLogs = z.object({ logEvents: z.array(z.object({ message: stringified })) });
const s3Detail = z.object({ bucket: z.object({ name: z.string() }), object: z.object({ key: z.string(), size: z.number() }) });
const kplParse = (event) => {
  const out = [];
  for (const record of event.Records) {
    agg.deaggregateSync(record.kinesis, true, (err, users) => {
      if (err) throw err;
      for (const u of users) out.push(Order.parse(JSON.parse(Buffer.from(u.data, 'base64').toString('utf8'))));
    });
  }
  return out;
};
const objects = orders.map((o, i) => ({ bucket: 'orders-inbox', key: `2024/05/01/${o.orderId}.json`, size: 1000 + i }));
const s3Event = s3EventBridgeEvent(objects[0]);
const sources = [
  {
    name: 'CloudWatch Logs (awslogs.data)',
    vs: 'CloudWatchEnvelope',
    event: cloudWatchLogsEvent(orders),
    theirs: (e) => CloudWatchEnvelope.parse(e, stringified),
  },
  {
    name: 'CloudWatch Logs via Kinesis (gzip)',
    vs: 'KinesisEnvelope',
    event: kinesisEvent([cloudWatchLogsData(orders.slice(0, 5)), cloudWatchLogsData(orders.slice(5))]),
    theirs: (e) => KinesisEnvelope.parse(e, kinesisLogs).flatMap((b) => b.logEvents.map((l) => l.message)),
  },
  { name: 'Kinesis Firehose', vs: 'KinesisFirehoseEnvelope', event: firehoseEvent(orders), theirs: (e) => KinesisFirehoseEnvelope.parse(e, stringified) },
  { name: 'Amazon MSK', vs: 'KafkaEnvelope', event: kafkaEvent(orders), theirs: (e) => KafkaEnvelope.parse(e, stringified) },
  {
    name: 'EventBridge via SQS',
    vs: 'SqsEnvelope + EventBridgeSchema',
    event: eventBridgeOverSqsEvent(orders),
    theirs: (e) => SqsEnvelope.parse(e, eventBridgeOrder).map((x) => x.detail),
  },
  {
    name: 'S3 via EventBridge (1 event)',
    vs: 'EventBridgeEnvelope',
    event: s3Event,
    schema: z.object({ bucket: z.string(), key: z.string(), size: z.number() }),
    ours: async (e, schema) => (await decapsulate(e, { schema })).map((r) => ({ bucket: r.payload.bucket, key: r.payload.key, size: r.payload.size })),
    theirs: (e) => [EventBridgeEnvelope.parse(e, s3Detail)].map((d) => ({ bucket: d.bucket.name, key: d.object.key, size: d.object.size })),
    expected: [{ bucket: 'orders-inbox', key: objects[0].key, size: objects[0].size }],
  },
  {
    name: 'KPL aggregates (2 x 5 records)',
    vs: 'aws-kinesis-agg + zod',
    event: kinesisEvent([kplAggregate(orders.slice(0, 5)), kplAggregate(orders.slice(5))]),
    theirs: kplParse,
  },
];
for (const src of sources) {
  const ours = src.ours ? (e) => src.ours(e, src.schema) : payloadsOf;
  const want = JSON.stringify(src.expected ?? orders);
  for (const [who, fn] of [
    ['ours', ours],
    ['theirs', src.theirs],
  ]) {
    const got = JSON.stringify(await fn(structuredClone(src.event)));
    if (got !== want) throw new Error(`${src.name} (${who}) did not return the expected payloads: ${got.slice(0, 200)}`);
  }
  // Neither side changes the event (decapsulate leaves it untouched, the envelopes return new objects): no copy.
  const { event } = src;
  cases.push(
    {
      group: 'source',
      name: `${src.name}: decapsulate`,
      run: async (n) => {
        for (let i = 0; i < n; i++) await ours(event);
      },
    },
    {
      group: 'source',
      name: `${src.name}: ${src.vs}`,
      run: async (n) => {
        for (let i = 0; i < n; i++) await src.theirs(event);
      },
    },
  );
}
const SOURCE_N = Math.ceil(N / 4);
const runsOf = (c) => (c.group === 'source' ? SOURCE_N : N);

for (const c of cases) await c.run(Math.ceil(runsOf(c) / 10));
const samples = new Map(cases.map((c) => [c, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const c of cases) {
    const n = runsOf(c);
    const t0 = process.hrtime.bigint();
    await c.run(n);
    samples.get(c).push(Number(process.hrtime.bigint() - t0) / 1000 / n);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const us = new Map(cases.map((c) => [c.name, median(samples.get(c))]));
const f = (x, w = 8) => x.toFixed(2).padStart(w);
const ops = (x) =>
  Math.round(1e6 / x)
    .toLocaleString('en-US')
    .padStart(9);

console.log(`node ${process.version}, ${ROUNDS} rounds x ${N} invocations per case, 10-record SQS batch (${base.Records[0].body.length} B bodies)`);
console.log('');
console.log('through middy                                      µs/inv     ops/s   overhead   overhead ratio');
const bare = us.get('middy, no middleware (baseline)');
// Each alternative against ours doing the same work: no validation vs records(), zod vs records({ schema }).
const against = {
  '@middy/event-normalizer': 'records()',
  'Powertools parser({ SqsEnvelope, zod })': 'records({ schema: zod })',
  'records() [BENCH_BASELINE build]': 'records()',
  'records() [@lambdaware/records/sqs]': 'records()',
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
console.log(`data-pipeline sources (10 records, zod, ${SOURCE_N} calls per round)   ours µs   theirs µs   theirs / ours`);
for (const src of sources) {
  const ours = us.get(`${src.name}: decapsulate`);
  const theirs = us.get(`${src.name}: ${src.vs}`);
  console.log(`  ${`${src.name} vs ${src.vs}`.padEnd(62)}${f(ours)}   ${f(theirs)}      ${(theirs / ours).toFixed(2)}x`);
}
console.log('');
console.log(
  '(ratio > 1: the alternative takes longer than ours for the same work; overhead = µs/inv minus the baseline,\n which includes the copy of the event every case gets)',
);

// ---- bundle sizes ------------------------------------------------------------------------------------------------
const bundled = async (contents) => {
  const out = await build({
    stdin: { contents, resolveDir: new URL('.', import.meta.url).pathname, loader: 'js' },
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    external: ['@aws-sdk/*'],
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0].contents.length / 1024;
};
console.log('');
console.log('bundle (esbuild --minify, @aws-sdk external)                    KB');
for (const [name, contents] of [
  ["records() from '@lambdaware/records/sqs'", "import { records } from '@lambdaware/records/sqs'; export const m = records();"],
  ["records({ source: 'sqs' }) from '@lambdaware/records'", "import { records } from '@lambdaware/records'; export const m = records({ source: 'sqs' });"],
  ["records() from '@lambdaware/records' (every source)", "import { records } from '@lambdaware/records'; export const m = records();"],
]) {
  console.log(`  ${name.padEnd(62)}${(await bundled(contents)).toFixed(1).padStart(6)}`);
}
