// @lambdaware/secrets against @middy/secrets-manager and Powertools getSecret
// (@aws-lambda-powertools/parameters/secrets), and its SSM parameters against @middy/ssm and Powertools
// getParameter / getParametersByName (@aws-lambda-powertools/parameters/ssm), in one run, all through the real AWS
// SDK v3 against local Secrets Manager and SSM endpoints on 127.0.0.1 (from @lambdaware/testkit) started here.
//
//   node_modules/.bin/node bench/secrets.bench.js        (BENCH_COLD=7 BENCH_ROUNDS=5 BENCH_SCALE=1 by default)
//
// Every measure runs in its own fresh child process, subjects interleaved.
//  - cold: ms from the start of the child's bench code to the first invocation done with the secret in hand:
//    import of the package (and the SDK it loads) + client + first fetch + one invocation. Median of BENCH_COLD.
//  - warm: µs per invocation with the value cached (no network): the middleware's `before` hook on a fresh request
//    (ours, middy's) or the getSecret call (Powertools), median over BENCH_ROUNDS children; the same loop around an
//    empty async step is printed as the floor.
//  - SSM: the same cold and warm rows for one String parameter, and "batch of 20": cold, 20 parameters by name
//    (GetParameters takes 10 names: two calls for every subject).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const COLD = Number(process.env.BENCH_COLD ?? 7);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const self = fileURLToPath(import.meta.url);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const SECRET = 'bench/db';
const EXPECTED = 'bench-password-123';

const ctxFor = (i) => ({
  awsRequestId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  functionName: 'bench-fn',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench-fn',
  memoryLimitInMB: '256',
  logGroupName: '/aws/lambda/bench-fn',
  logStreamName: '2024/01/01/[$LATEST]0123456789abcdef',
  getRemainingTimeInMillis: () => 30000,
  callbackWaitsForEmptyEventLoop: true,
});

// ---- children ----------------------------------------------------------------------------------------------------

const PARAM = '/bench/app/url';
const PARAM_VALUE = 'https://bench.internal/api';
const BATCH = Array.from({ length: 20 }, (_, i) => `/bench/batch/p${String(i).padStart(2, '0')}`);

/** An SSM subject's handler for `names` (one, or the batch): every handler returns the last parameter's value. */
const buildSsm = async (subject, names) => {
  const { default: middy } = await import('@middy/core');
  const keys = names.map((_, i) => `p${i}`);
  const last = keys.at(-1);
  if (subject === 'ours') {
    const { secrets } = await import('@lambdaware/secrets');
    const fetch = Object.fromEntries(names.map((n, i) => [keys[i], { ssm: n }]));
    return middy(async (_e, context) => context.secrets[last]).use(secrets({ fetch }));
  }
  if (subject === 'middy') {
    const { default: ssm } = await import('@middy/ssm');
    const fetchData = Object.fromEntries(names.map((n, i) => [keys[i], n]));
    return middy(async (_e, context) => context[last]).use(ssm({ fetchData, setToContext: true, cacheExpiry: 5 * 60 * 1000 }));
  }
  if (subject === 'powertools') {
    const { getParameter, getParametersByName } = await import('@aws-lambda-powertools/parameters/ssm');
    if (names.length === 1) return middy(async () => getParameter(names[0], { maxAge: 300 }));
    const spec = Object.fromEntries(names.map((n) => [n, {}]));
    return middy(async () => (await getParametersByName(spec, { maxAge: 300 }))[names.at(-1)]);
  }
  throw new Error(`unknown subject ${subject}`);
};

const ssmColdChild = async (subject, batch) => {
  const names = batch ? BATCH : [PARAM];
  const t0 = performance.now();
  const handler = await buildSsm(subject, names);
  const value = await handler({}, ctxFor(0));
  const ms = performance.now() - t0;
  const expected = batch ? 'value-19' : PARAM_VALUE;
  if (value !== expected) throw new Error(`${subject}: got ${value}`);
  process.stdout.write(JSON.stringify({ ms }));
};

/** One SSM parameter read per invocation, cached: the middleware's before, or the getParameter call. */
const ssmHookFor = async (subject) => {
  if (subject === 'ours' || subject === 'middy') {
    const mw =
      subject === 'ours'
        ? (await import('@lambdaware/secrets')).secrets({ fetch: { url: { ssm: PARAM } } })
        : (await import('@middy/ssm')).default({ fetchData: { url: PARAM }, setToContext: true, cacheExpiry: 5 * 60 * 1000 });
    return async (i) => {
      const request = { event: {}, context: ctxFor(i), response: undefined, error: undefined, internal: {} };
      await mw.before(request);
      return subject === 'ours' ? request.context.secrets.url : request.context.url;
    };
  }
  if (subject === 'powertools') {
    const { getParameter } = await import('@aws-lambda-powertools/parameters/ssm');
    return async () => getParameter(PARAM, { maxAge: 300 });
  }
  return hookFor(subject);
};

/** Builds a subject's handler; every handler returns the password it was given. */
const build = async (subject) => {
  const { default: middy } = await import('@middy/core');
  if (subject === 'ours') {
    const { secrets } = await import('@lambdaware/secrets');
    return middy(async (_e, context) => context.secrets.db.password).use(secrets({ fetch: { db: SECRET } }));
  }
  if (subject === 'middy') {
    const { default: secretsManager } = await import('@middy/secrets-manager');
    return middy(async (_e, context) => context.db.password).use(secretsManager({ fetchData: { db: SECRET }, setToContext: true, cacheExpiry: 5 * 60 * 1000 }));
  }
  if (subject === 'powertools') {
    // in a middy handler too, as the others: the cold numbers then compare the secrets part alone
    const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
    return middy(async () => (await getSecret(SECRET, { transform: 'json', maxAge: 300 })).password);
  }
  throw new Error(`unknown subject ${subject}`);
};

const coldChild = async (subject) => {
  const t0 = performance.now();
  const handler = await build(subject);
  const value = await handler({}, ctxFor(0));
  const ms = performance.now() - t0;
  if (value !== EXPECTED) throw new Error(`${subject}: got ${value}`);
  process.stdout.write(JSON.stringify({ ms }));
};

/** The per-invocation work alone: the middleware's `before` on a fresh request, or the getSecret call. */
const hookFor = async (subject) => {
  if (subject === 'ours') {
    const { secrets } = await import('@lambdaware/secrets');
    const mw = secrets({ fetch: { db: SECRET } });
    return async (i) => {
      const request = { event: {}, context: ctxFor(i), response: undefined, error: undefined, internal: {} };
      await mw.before(request);
      return request.context.secrets.db.password;
    };
  }
  if (subject === 'middy') {
    const { default: secretsManager } = await import('@middy/secrets-manager');
    const mw = secretsManager({ fetchData: { db: SECRET }, setToContext: true, cacheExpiry: 5 * 60 * 1000 });
    return async (i) => {
      const request = { event: {}, context: ctxFor(i), response: undefined, error: undefined, internal: {} };
      await mw.before(request);
      return request.context.db.password;
    };
  }
  if (subject === 'powertools') {
    const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
    return async () => (await getSecret(SECRET, { transform: 'json', maxAge: 300 })).password;
  }
  if (subject === 'baseline') {
    return async (i) => {
      const request = { event: {}, context: ctxFor(i), response: undefined, error: undefined, internal: {} };
      return request.context && EXPECTED;
    };
  }
  throw new Error(`unknown subject ${subject}`);
};

const warmChild = async (subject, ssm = false) => {
  const once = ssm ? await ssmHookFor(subject) : await hookFor(subject);
  const expected = ssm && subject !== 'baseline' ? PARAM_VALUE : EXPECTED;
  const n = Math.round(50000 * SCALE);
  for (let i = 0; i < 5000; i++) await once(i); // the first fetch, then warm up the JIT
  const t0 = performance.now();
  let last;
  for (let i = 0; i < n; i++) last = await once(i);
  const us = ((performance.now() - t0) * 1000) / n;
  if (last !== expected) throw new Error(`${subject}: got ${last}`);
  process.stdout.write(JSON.stringify({ us }));
};

// children exit when done: a subject's refresh timer (middy's cacheExpiry) would keep the process alive
if (process.argv[2] === 'cold') await coldChild(process.argv[3]).then(() => process.exit(0));
else if (process.argv[2] === 'warm') await warmChild(process.argv[3]).then(() => process.exit(0));
else if (process.argv[2] === 'ssm-cold') await ssmColdChild(process.argv[3], false).then(() => process.exit(0));
else if (process.argv[2] === 'ssm-batch') await ssmColdChild(process.argv[3], true).then(() => process.exit(0));
else if (process.argv[2] === 'ssm-warm') await warmChild(process.argv[3], true).then(() => process.exit(0));
else await parent();

// ---- parent ------------------------------------------------------------------------------------------------------

async function parent() {
  const { startSecretsManager, startSsm } = await import('@lambdaware/testkit');
  const sm = await startSecretsManager({ secrets: { [SECRET]: { user: 'app', password: EXPECTED } } });
  const ssm = await startSsm({ parameters: { [PARAM]: PARAM_VALUE, ...Object.fromEntries(BATCH.map((n, i) => [n, `value-${i}`])) } });
  const exec = promisify(execFile);
  const env = { ...process.env, ...sm.env, ...ssm.env };
  delete env.AWS_PROFILE;
  const run = async (...args) => {
    const { stdout } = await exec(process.execPath, [self, ...args], { env, maxBuffer: 1 << 20, timeout: 60000 });
    return JSON.parse(stdout);
  };
  try {
    const subjects = ['ours', 'middy', 'powertools'];
    const cold = Object.fromEntries(subjects.map((s) => [s, []]));
    for (let i = 0; i < COLD; i++) for (const s of subjects) cold[s].push((await run('cold', s)).ms);
    const callsBefore = sm.calls.length;

    const warmSubjects = [...subjects, 'baseline'];
    const warm = Object.fromEntries(warmSubjects.map((s) => [s, []]));
    for (let i = 0; i < ROUNDS; i++) for (const s of warmSubjects) warm[s].push((await run('warm', s)).us);

    const coldMs = Object.fromEntries(subjects.map((s) => [s, median(cold[s])]));
    const baseUs = median(warm.baseline);
    const warmUs = Object.fromEntries(subjects.map((s) => [s, median(warm[s])]));
    const fmt = (x, d = 2) => x.toFixed(d);
    console.log(`secrets bench: node ${process.version}, ${COLD} cold children and ${ROUNDS} warm rounds per subject`);
    console.log(`(${sm.calls.length} calls reached the local endpoint, ${callsBefore} of them in the cold runs)`);
    console.log('');
    console.log('cold start (ms, import + client + first fetch + first invocation, median):');
    for (const s of subjects) {
      console.log(`  ${s.padEnd(11)} ${fmt(coldMs[s], 1).padStart(8)} ms   ours/${s}: ${fmt(coldMs.ours / coldMs[s])}`);
    }
    console.log('');
    console.log('warm, cached (µs per invocation: the `before` hook / the getSecret call, median; and over an empty async step):');
    for (const s of subjects) {
      console.log(`  ${s.padEnd(11)} ${fmt(warmUs[s], 3).padStart(8)} µs  (+${fmt(warmUs[s] - baseUs, 3)})   ours/${s}: ${fmt(warmUs.ours / warmUs[s])}`);
    }
    console.log(`  (empty async step with the same request object: ${fmt(baseUs, 3)} µs)`);

    // SSM Parameter Store: ours against @middy/ssm and Powertools getParameter / getParametersByName
    const ssmCold = Object.fromEntries(subjects.map((s) => [s, []]));
    const ssmBatch = Object.fromEntries(subjects.map((s) => [s, []]));
    for (let i = 0; i < COLD; i++) {
      for (const s of subjects) ssmCold[s].push((await run('ssm-cold', s)).ms);
      for (const s of subjects) ssmBatch[s].push((await run('ssm-batch', s)).ms);
    }
    const ssmWarm = Object.fromEntries(warmSubjects.map((s) => [s, []]));
    for (let i = 0; i < ROUNDS; i++) for (const s of warmSubjects) ssmWarm[s].push((await run('ssm-warm', s)).us);
    const rows = [
      ['cold, one String parameter (ms, import + client + first fetch + first invocation, median)', ssmCold, 1, 'ms'],
      ['cold, batch of 20 parameters by name (ms, median; GetParameters: 10 names per call)', ssmBatch, 1, 'ms'],
      ['warm, cached read of one parameter (µs per invocation, median)', ssmWarm, 3, 'µs'],
    ];
    console.log('');
    console.log(`SSM Parameter Store (${ssm.calls.length} calls reached the local SSM endpoint):`);
    for (const [title, data, digits, unit] of rows) {
      const m = Object.fromEntries(subjects.map((s) => [s, median(data[s])]));
      console.log(`  ${title}:`);
      for (const s of subjects) console.log(`    ${s.padEnd(11)} ${fmt(m[s], digits).padStart(8)} ${unit}   ours/${s}: ${fmt(m.ours / m[s])}`);
    }
    console.log(`    (empty async step: ${fmt(median(ssmWarm.baseline), 3)} µs)`);
  } finally {
    await sm.close();
    await ssm.close();
  }
}
