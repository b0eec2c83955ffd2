// @lambdaware/sentry against @sentry/aws-serverless's wrapHandler, in one run, both posting to a local ingest.
//
//   node_modules/.bin/node bench/sentry.bench.js        (BENCH_COLD=7 BENCH_ROUNDS=5 BENCH_SCALE=1 by default)
//
// Every subject runs in its own fresh child process (Sentry.init of @sentry/node instruments node:http and the
// global scope; it must not tax the other subject), all posting to one local ingest on 127.0.0.1 started here.
//  - cold: ms from nothing to ready, median of BENCH_COLD fresh processes: importing @lambdaware/sentry (Sentry
//    off: the SDK is not loaded), importing @sentry/core/server (what ours loads when on), importing
//    @sentry/aws-serverless; and "to the first reported error": import + set up + one failing invocation whose
//    event the ingest accepted.
//  - per invocation: µs per call, median over BENCH_ROUNDS interleaved rounds, minus the same handler without
//    Sentry (middy(handler) for ours, the bare async handler for wrapHandler, middy(handler).use(errorLog()) for
//    errorLog+ours-on: the warm error row against a stack doing the same work with no Sentry). Success path and error
//    path (one event posted to the ingest and awaited per call).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const COLD = Number(process.env.BENCH_COLD ?? 7);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const self = fileURLToPath(import.meta.url);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const ctxFor = (i) => ({
  awsRequestId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  functionName: 'bench-fn',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:bench-fn',
  memoryLimitInMB: '256',
  logGroupName: '/aws/lambda/bench-fn',
  logStreamName: '2024/01/01/[$LATEST]0123456789abcdef',
  getRemainingTimeInMillis: () => 30000,
  callbackWaitsForEmptyEventLoop: true,
});

// ---- children ----------------------------------------------------------------------------------------------------
const child = process.argv[2];

/** One cold measure: prints the ms from the start of this module to ready. */
const coldChild = async (what) => {
  const t0 = performance.now();
  if (what === 'import-ours') {
    const { sentry } = await import('@lambdaware/sentry');
    sentry({ dsn: undefined });
  } else if (what === 'import-core') {
    await import('@sentry/core/server');
  } else if (what === 'import-aws') {
    await import('@sentry/aws-serverless');
  } else if (what === 'first-error-ours') {
    const { setLogSink } = await import('@lambdaware/shared');
    setLogSink({ log() {} });
    const { default: middy } = await import('@middy/core');
    const { sentry } = await import('@lambdaware/sentry');
    const handler = middy(async () => {
      throw new Error('cold failure');
    }).use(sentry({ dsn: process.env.BENCH_DSN }));
    await handler({}, ctxFor(1)).catch(() => {});
  } else if (what === 'first-error-aws') {
    const Sentry = await import('@sentry/aws-serverless');
    Sentry.init({ dsn: process.env.BENCH_DSN });
    const handler = Sentry.wrapHandler(async () => {
      throw new Error('cold failure');
    });
    await handler({}, ctxFor(1)).catch(() => {});
  }
  process.stdout.write(JSON.stringify({ ms: performance.now() - t0 }));
};

/** Per-invocation cost of one subject: prints µs per call for each case, with its baseline. */
const warmChild = async (subject) => {
  const { default: middy } = await import('@middy/core');
  const ok = async () => 'ok';
  const fail = async () => {
    throw new Error('handler failure');
  };
  let handlers;
  if (subject === 'ours-on' || subject === 'ours-off' || subject === 'ours-on-timeoutWarning') {
    const { setLogSink } = await import('@lambdaware/shared');
    setLogSink({ log() {} }); // our error line goes nowhere: the cost measured is Sentry's
    const { sentry } = await import('@lambdaware/sentry');
    const options = {
      dsn: subject === 'ours-off' ? undefined : process.env.BENCH_DSN,
      timeoutWarning: subject === 'ours-on-timeoutWarning',
    };
    handlers = {
      baseSuccess: middy(ok),
      success: middy(ok).use(sentry(options)),
      baseError: middy(fail),
      error: middy(fail).use(sentry(options)),
    };
  } else if (subject === 'errorLog+ours-on') {
    // The warm error row of issue 25: errorLog() + sentry() against the same stack with no Sentry (errorLog() alone:
    // the same error line, no event); the difference is what reporting to Sentry costs (one loopback POST and its
    // answer is the floor).
    const { setLogSink } = await import('@lambdaware/shared');
    setLogSink({ log() {} });
    const { sentry } = await import('@lambdaware/sentry');
    const { errorLog } = await import('@lambdaware/errors');
    handlers = {
      baseSuccess: middy(ok).use(errorLog()),
      success: middy(ok)
        .use(errorLog())
        .use(sentry({ dsn: process.env.BENCH_DSN })),
      baseError: middy(fail).use(errorLog()),
      error: middy(fail)
        .use(errorLog())
        .use(sentry({ dsn: process.env.BENCH_DSN })),
    };
  } else if (subject === 'app-init+ours' || subject === 'app-init+middy-wrapHandler') {
    // The app already has Sentry (Sentry.init of @sentry/aws-serverless): sentry() reports through its client, beside
    // the official way of wrapping a middy handler (wrapHandler around it). Baseline: the middy handler alone.
    const { setLogSink } = await import('@lambdaware/shared');
    setLogSink({ log() {} });
    const Sentry = await import('@sentry/aws-serverless');
    Sentry.init({ dsn: process.env.BENCH_DSN, initialScope: { tags: { team: 'bench' } } });
    const { sentry } = await import('@lambdaware/sentry');
    handlers =
      subject === 'app-init+ours'
        ? { baseSuccess: middy(ok), success: middy(ok).use(sentry()), baseError: middy(fail), error: middy(fail).use(sentry()) }
        : { baseSuccess: middy(ok), success: Sentry.wrapHandler(middy(ok)), baseError: middy(fail), error: Sentry.wrapHandler(middy(fail)) };
  } else {
    const Sentry = await import('@sentry/aws-serverless');
    Sentry.init({ dsn: process.env.BENCH_DSN });
    handlers = { baseSuccess: ok, success: Sentry.wrapHandler(ok), baseError: fail, error: Sentry.wrapHandler(fail) };
  }
  const counts = { baseSuccess: 5000 * SCALE, success: 5000 * SCALE, baseError: 100 * SCALE, error: 100 * SCALE };
  let i = 0;
  const run = async (name) => {
    const h = handlers[name];
    const n = counts[name];
    const t0 = performance.now();
    for (let k = 0; k < n; k++) await h({}, ctxFor(++i)).catch(() => {});
    return ((performance.now() - t0) * 1000) / n;
  };
  for (const name of Object.keys(handlers)) await run(name); // warm-up
  const samples = Object.fromEntries(Object.keys(handlers).map((n) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) for (const name of Object.keys(handlers)) samples[name].push(await run(name));
  process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(samples).map(([n, s]) => [n, median(s)]))));
};

if (child === '--cold') await coldChild(process.argv[3]);
else if (child === '--warm') await warmChild(process.argv[3]);
else await main();

// ---- the parent --------------------------------------------------------------------------------------------------
async function main() {
  const { startSentryIngest } = await import('@lambdaware/testkit');
  const ingest = await startSentryIngest({ keepAlive: true });
  const exec = promisify(execFile);
  const runChild = async (...args) => {
    const { stdout } = await exec(process.execPath, [self, ...args], { env: { ...process.env, BENCH_DSN: ingest.dsn }, maxBuffer: 1 << 20 });
    return JSON.parse(stdout);
  };
  const fmt = (x, unit) => `${x.toFixed(unit === 'ms' ? 1 : 2).padStart(9)} ${unit}`;
  console.log(`node ${process.version}; cold: median of ${COLD} fresh processes; warm: median of ${ROUNDS} rounds\n`);

  // Cold: interleaved so that machine noise hits every subject alike.
  const coldCases = ['import-ours', 'import-core', 'import-aws', 'first-error-ours', 'first-error-aws'];
  const cold = Object.fromEntries(coldCases.map((c) => [c, []]));
  for (let k = 0; k < COLD; k++) for (const c of coldCases) cold[c].push((await runChild('--cold', c)).ms);
  const coldMs = Object.fromEntries(coldCases.map((c) => [c, median(cold[c])]));
  const received = ingest.events.length;
  console.log('cold start (ms, from nothing to ready)');
  console.log(`  import @lambdaware/sentry (Sentry off)      ${fmt(coldMs['import-ours'], 'ms')}`);
  console.log(`  import @sentry/core/server (ours, when on)  ${fmt(coldMs['import-core'], 'ms')}`);
  console.log(
    `  import @sentry/aws-serverless               ${fmt(coldMs['import-aws'], 'ms')}   ours on is ${(coldMs['import-aws'] / coldMs['import-core']).toFixed(1)}x faster, off ${(coldMs['import-aws'] / coldMs['import-ours']).toFixed(0)}x`,
  );
  console.log(`  to the first reported error: ours           ${fmt(coldMs['first-error-ours'], 'ms')}`);
  console.log(
    `  to the first reported error: wrapHandler    ${fmt(coldMs['first-error-aws'], 'ms')}   ratio ${(coldMs['first-error-aws'] / coldMs['first-error-ours']).toFixed(1)}x`,
  );
  console.log(`  (the ingest received ${received} events from ${2 * COLD} first-error processes)\n`);

  const subjects = ['ours-off', 'ours-on', 'ours-on-timeoutWarning', 'errorLog+ours-on', 'aws-wrapHandler', 'app-init+ours', 'app-init+middy-wrapHandler'];
  const warm = {};
  for (const s of subjects) warm[s] = await runChild('--warm', s);
  console.log('per invocation (µs per call, minus the same handler without Sentry)');
  console.log(`  ${'subject'.padEnd(24)} ${'success'.padStart(12)} ${'error (event sent)'.padStart(20)}`);
  for (const s of subjects) {
    const w = warm[s];
    console.log(`  ${s.padEnd(24)} ${fmt(w.success - w.baseSuccess, 'µs')} ${fmt(w.error - w.baseError, 'µs').padStart(20)}`);
  }
  const over = (s, k) => warm[s][k] - warm[s][k === 'success' ? 'baseSuccess' : 'baseError'];
  const ratio = (a, b) => (b <= 1 ? `wrapHandler adds ${a.toFixed(0)} µs, ours ${b.toFixed(2)} µs (zero within noise)` : `${(a / b).toFixed(1)}x`);
  console.log(`\n  wrapHandler / ours-on, success path: ${ratio(over('aws-wrapHandler', 'success'), over('ours-on', 'success'))}`);
  console.log(`  wrapHandler / ours-on, error path:   ${ratio(over('aws-wrapHandler', 'error'), over('ours-on', 'error'))}`);
  console.log(
    `  app's client, error path: middy+wrapHandler / middy+sentry(): ${(over('app-init+middy-wrapHandler', 'error') / over('app-init+ours', 'error')).toFixed(2)}x; success: wrapHandler adds ${over('app-init+middy-wrapHandler', 'success').toFixed(0)} µs, sentry() ${over('app-init+ours', 'success').toFixed(2)} µs`,
  );
  console.log(`  (ingest total: ${ingest.events.length} events)`);
  await ingest.close();
}
