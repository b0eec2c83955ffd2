// Structural masking (@lambdaware/shared redactDeep / redactThrown) against the text masking it replaces, in one run.
//
//   node_modules/.bin/node bench/redaction.bench.js          (BENCH_ROUNDS=9 BENCH_SCALE=1 by default; ~20 s)
//
// µs per operation, median over interleaved rounds (every case once per round, in turn). The "line" is the data of
// a typical logger line (Powertools' keys, the request id, an order with 3 items). Cases:
//  - serializing the line alone (JSON.stringify), the floor every writer pays;
//  - structural masking then serializing, with no secret registered (redactDeep returns the line itself) and with
//    7 secrets registered (5 text secrets, 2 whole values: "true", "5432"), none of them in the line (the usual case)
//    and one of them in it (the line is copied where it changes);
//  - the text masking of the serialized line used before (split/join of every secret's escaped forms over the text,
//    as redactJsonText did), with the same 5 text secrets, for comparison;
//  - the error path: an HTTP-client-style error created and masked by redactThrown (every own property, the stack,
//    the nested config), against created only and against what was masked before (message and stack only).
import { clearSecrets, redactDeep, redactThrown, registerSecret } from '@lambdaware/shared';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const N = Math.max(1000, Math.round(20000 * SCALE));

const TEXT_SECRETS = ['sk_live_51HxQ2eKx9', 'p"ssw0rd\\x', 'AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG', 'ghp_16C7e42F292c6912'];
const WHOLE_SECRETS = ['true', '5432'];

const line = () => ({
  level: 'INFO',
  message: 'order placed',
  timestamp: '2026-11-28T10:00:00.000Z',
  service: 'orders',
  cold_start: false,
  function_arn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api',
  function_memory_size: '256',
  function_name: 'orders-api',
  function_request_id: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  xray_trace_id: '1-6b0aa532-52ea98c32ff4c2dc0737503e',
  orderId: 'ord-admin-1',
  total: 154320,
  order: {
    items: [
      { sku: 'A-1', qty: 2 },
      { sku: 'B-7', qty: 1 },
      { sku: 'C-3', qty: 5 },
    ],
    currency: 'EUR',
    paid: true,
  },
});
const LINE = line();
const LINE_WITH_SECRET = { ...line(), auth: `Bearer ${TEXT_SECRETS[0]}` };

// ---- the text masking used before (redactJsonText over the serialized line) -----------------------------------
const jsonEscape = (s) => JSON.stringify(s).slice(1, -1);
const oldForms = [...new Set(TEXT_SECRETS.flatMap((s) => [jsonEscape(s), jsonEscape(jsonEscape(s))]))].sort((a, b) => b.length - a.length);
const oldRedactJsonText = (text) => {
  let out = text;
  for (const form of oldForms) if (out.includes(form)) out = out.split(form).join('****');
  return out;
};

const rawForms = [...new Set(TEXT_SECRETS)].sort((a, b) => b.length - a.length);
const oldRedactString = (text) => {
  let out = text;
  for (const s of rawForms) if (out.includes(s)) out = out.split(s).join('****');
  return out;
};
// what errorLog did before: message and stack of the error (and its cause chain) masked in place
const oldRedactErrorInPlace = (e) => {
  for (const k of ['message', 'stack']) {
    const t = e[k];
    if (typeof t === 'string') {
      const m = oldRedactString(t);
      if (m !== t) e[k] = m;
    }
  }
  return e;
};

const register = () => {
  for (const s of TEXT_SECRETS) registerSecret(s);
  for (const s of WHOLE_SECRETS) registerSecret(s);
};

const httpError = () => {
  const e = new Error('Request failed with status code 401');
  e.config = { url: 'https://api.example.com/orders', headers: { Authorization: 'Bearer tok-xyz', Accept: 'application/json' } };
  e.response = { status: 401, data: { error: 'invalid token' } };
  return e;
};

let sink = 0;
const cases = [
  { name: 'JSON.stringify(line)', secrets: false, run: () => (sink += JSON.stringify(LINE).length) },
  { name: 'redactDeep + stringify, no secret registered', secrets: false, run: () => (sink += JSON.stringify(redactDeep(LINE)).length) },
  { name: 'redactDeep + stringify, 7 registered, none in the line', secrets: true, run: () => (sink += JSON.stringify(redactDeep(LINE)).length) },
  { name: 'redactDeep + stringify, 7 registered, one in the line', secrets: true, run: () => (sink += JSON.stringify(redactDeep(LINE_WITH_SECRET)).length) },
  { name: 'before: stringify + text masking, 5 registered', secrets: true, run: () => (sink += oldRedactJsonText(JSON.stringify(LINE)).length) },
  { name: 'error created', secrets: false, run: () => (sink += httpError().message.length) },
  { name: 'error created + redactThrown, no secret registered', secrets: false, run: () => (sink += redactThrown(httpError()).message.length) },
  { name: 'error created + redactThrown, 7 registered', secrets: true, run: () => (sink += redactThrown(httpError()).message.length) },
  { name: 'before: error created + message/stack masked, 5 registered', secrets: true, run: () => (sink += oldRedactErrorInPlace(httpError()).message.length) },
];

const measure = (c, n) => {
  clearSecrets();
  if (c.secrets) register();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) c.run();
  const t1 = process.hrtime.bigint();
  clearSecrets();
  return Number(t1 - t0) / 1000 / n;
};

for (const c of cases) measure(c, Math.ceil(N / 5));
const samples = new Map(cases.map((c) => [c.name, []]));
for (let r = 0; r < ROUNDS; r++) for (const c of cases) samples.get(c.name).push(measure(c, N));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const us = new Map(cases.map((c) => [c.name, median(samples.get(c.name))]));
const floor = us.get('JSON.stringify(line)');
const before = us.get('before: stringify + text masking, 5 registered');
const created = us.get('error created');

console.log(`node ${process.version}, ${ROUNDS} rounds of ${N} per case (sink ${sink % 10})`);
console.log('');
console.log('one log line'.padEnd(60) + 'µs/line   vs stringify   vs before');
for (const c of cases.slice(0, 5)) {
  const v = us.get(c.name);
  console.log(
    `  ${c.name.padEnd(58)}${v.toFixed(3).padStart(7)}   ${`${(v / floor).toFixed(2)}x`.padStart(12)}   ${`${(v / before).toFixed(2)}x`.padStart(9)}`,
  );
}
console.log('');
const errBefore = us.get('before: error created + message/stack masked, 5 registered');
console.log('the error path'.padEnd(60) + 'µs/error  vs created   vs before');
for (const c of cases.slice(5)) {
  const v = us.get(c.name);
  console.log(
    `  ${c.name.padEnd(58)}${v.toFixed(3).padStart(7)}   ${`${(v / created).toFixed(2)}x`.padStart(10)}   ${`${(v / errBefore).toFixed(2)}x`.padStart(9)}`,
  );
}
console.log('');
const cost = us.get('redactDeep + stringify, 7 registered, none in the line') - floor;
const none = us.get('redactDeep + stringify, no secret registered') - floor;
console.log(
  `structural masking per line: ${none.toFixed(3)} µs with no secret registered, ${cost.toFixed(3)} µs with 7 (none in the line), ${(us.get('redactDeep + stringify, 7 registered, one in the line') - floor).toFixed(3)} µs with one in the line`,
);
