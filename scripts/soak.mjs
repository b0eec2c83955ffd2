#!/usr/bin/env node
// Soak mode of the reliability suite, and the measurements of the bounds (measured, not asserted).
//
//   npm run soak                 # full soak counts (about 18 min on a 2-core machine, plus the bounds)
//   npm run soak -- --quick      # CI counts, tests/managed-instances only, 3 rounds per bound (about 1-2 min)
//   npm run soak -- --scale 0.1  # a tenth of the soak counts (never below the CI counts)
//   npm run soak -- nothing-lost # only the test files matching a pattern
//   npm run soak -- --no-bounds  # the test properties only
//   npm run soak -- --no-tests   # the bounds and sizes only
//
// 1. Runs tests/reliability and tests/managed-instances with jest (LAMBDAWARE_SOAK=1: 100,000 batches per source,
//    100,000 invocations, 5,000 invocations on Managed Instances, ... instead of the CI counts) and prints a table
//    of property, count, result and time (each test's summary line).
// 2. Measures each bound through the public behaviour, against its deadline: a middy handler with secrets() whose
//    Secrets Manager (the local endpoint of @lambdaware/testkit) never answers, throttles, or answers slowly; the
//    invocation after a fetch that never answered; sentry() with an ingest that never answers. Worst time seen,
//    against the deadline of the Lambda context.
// 3. Measures the largest line and Sentry event written: the preset on aws-lambda-ric (lambdaware invoke) with a
//    Kinesis batch of 1,000 and of 10,000 bad records.
// 4. Measures the bounds of issue 20 (scripts/soak-issue20.mjs): errors of hostile shape, a hung prefetch with
//    logEvent, a failure near the deadline on aws-lambda-ric.
// The built packages (dist/) are used: run `npm run build` first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let scale = '1';
let quick = false;
let bounds = true;
let tests = true;
const patterns = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--scale') scale = args[++i];
  else if (args[i].startsWith('--scale=')) scale = args[i].slice('--scale='.length);
  else if (args[i] === '--quick') quick = true;
  else if (args[i] === '--no-bounds') bounds = false;
  else if (args[i] === '--no-tests') tests = false;
  else patterns.push(args[i]);
}
if (!(Number(scale) > 0)) {
  console.error(`soak: --scale must be a number > 0, got ${scale}`);
  process.exit(2);
}
for (const pkg of ['cli', 'preset', 'secrets', 'sentry', 'testkit', 'events']) {
  if (!existsSync(join(root, `packages/${pkg}/dist/index.js`))) {
    console.error(`soak: packages/${pkg} is not built: run "npm run build" first`);
    process.exit(2);
  }
}

const started = Date.now();

// ---- 1. the test properties, at soak counts (or CI counts with --quick) ----
const dir = mkdtempSync(join(tmpdir(), 'lambdaware-soak-'));
const report = join(dir, 'report.jsonl');
const suites = quick ? ['tests/managed-instances'] : ['tests/reliability', 'tests/managed-instances'];
const jest = !tests
  ? { status: 0 }
  : spawnSync(
      process.execPath,
      [
        '--experimental-vm-modules',
        '--no-warnings=ExperimentalWarning',
        join(root, 'node_modules/jest/bin/jest.js'),
        '--testTimeout=86400000',
        // a pattern picks the files of these suites whose path matches it (e.g. nothing-lost, managed-instances)
        ...(patterns.length > 0 ? patterns.map((p) => `^(?=.*(${suites.join('|')})/).*${p}`) : suites),
      ],
      {
        cwd: root,
        stdio: 'inherit',
        env: {
          ...process.env,
          ...(quick ? {} : { LAMBDAWARE_SOAK: '1', LAMBDAWARE_SOAK_SCALE: scale }),
          LAMBDAWARE_RELIABILITY_REPORT: report,
        },
      },
    );
const rows = existsSync(report)
  ? readFileSync(report, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
  : [];
rmSync(dir, { recursive: true, force: true });

const printTable = (header, table) => {
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => String(row[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of table) console.log(line(row));
};

// ---- 2. and 3. the bounds and the sizes ----
const boundRows = [];
const sizeRows = [];
let issue20Rows = [];
if (bounds) {
  const rounds = quick ? 3 : 20;
  const { default: middy } = await import('@middy/core');
  const { secrets } = await import('@lambdaware/secrets');
  const { sentry } = await import('@lambdaware/sentry');
  const { lambdaContext, kinesisEvent } = await import('@lambdaware/events');
  const { setLogSink } = await import('@lambdaware/shared');
  const { startSecretsManager, startSentryIngest } = await import('@lambdaware/testkit');
  const { invoke } = await import('@lambdaware/cli');
  const CAP_MS = 10_000; // a run still going after this is counted as hung

  const sm = await startSecretsManager();
  const arn = sm.setSecret('soak/db', { user: 'app', password: 'soak-password-0f3a' });
  const savedEnv = { ...process.env };
  Object.assign(process.env, sm.env, { SECRET_ARN: arn });
  // the lines the middlewares write (warnings, error lines) are not what is measured here
  setLogSink({ log: () => undefined });

  /** Runs `handler` once with a context whose deadline is `deadlineMs` away; the time until it settled. */
  const timeRun = async (handler, deadlineMs) => {
    const context = lambdaContext({ timeoutMs: deadlineMs });
    const t0 = performance.now();
    let timer;
    const outcome = await Promise.race([
      handler({}, context).then(
        () => 'ok',
        (error) => `${error?.name ?? 'Error'}${error?.code ? ` ${error.code}` : ''}`,
      ),
      new Promise((resolve) => (timer = setTimeout(resolve, CAP_MS, `still running after ${CAP_MS} ms`))),
    ]);
    clearTimeout(timer);
    return { ms: performance.now() - t0, outcome };
  };
  // each handler reads its own secret: a request of an earlier run still in flight (in the endpoint or in the
  // client) cannot be shared by a later run, except where that is what is measured (the same handler)
  let secretCount = 0;
  const secretsHandler = () => {
    const id = sm.setSecret(`soak/db-${++secretCount}`, { user: 'app', password: 'soak-password-0f3a' });
    return middy(async (_event, context) => context.secrets.db.user).use(secrets({ fetch: { db: { id } }, cacheTtlMs: 0 }));
  };
  const tally = (outcomes) => {
    const counts = new Map();
    for (const o of outcomes) counts.set(o, (counts.get(o) ?? 0) + 1);
    return [...counts].map(([o, n]) => `${o} x${n}`).join(', ');
  };
  const bound = async (name, deadlineMs, setUp, runs = rounds) => {
    const seen = [];
    for (let i = 0; i < runs; i++) {
      setUp();
      seen.push(await timeRun(secretsHandler(), deadlineMs));
    }
    sm.setFault();
    const worst = Math.max(...seen.map((s) => s.ms));
    const past = seen.filter((s) => s.ms > deadlineMs).length;
    boundRows.push([
      name,
      `${deadlineMs} ms`,
      runs,
      `${Math.round(worst)} ms`,
      worst > deadlineMs ? `${Math.round(worst - deadlineMs)} ms PAST` : `${Math.round(deadlineMs - worst)} ms before`,
      `${past} of ${runs}`,
      tally(seen.map((s) => s.outcome)),
    ]);
    return seen;
  };

  console.log(`\nsoak: measuring the bounds (${rounds} runs each)...`);
  await bound('Secrets Manager fetch, no answer', 2000, () => sm.setFault({ delayMs: 30_000, times: Infinity }));
  // one handler (one cache, as in one execution environment): a fetch that never answered, then a healthy endpoint
  {
    const seen = [];
    for (let i = 0; i < rounds; i++) {
      const handler = secretsHandler();
      sm.setFault({ delayMs: 30_000, times: 1 });
      const hung = await timeRun(handler, 2000);
      const callsBefore = sm.callsOf('GetSecretValue').length;
      const next = await timeRun(handler, 2000);
      const newCall = sm.callsOf('GetSecretValue').length > callsBefore;
      seen.push({ hung, next, newCall });
    }
    sm.setFault();
    const worst = Math.max(...seen.map((s) => s.next.ms));
    boundRows.push([
      'next invocation after a fetch that never answered (healthy again)',
      '2000 ms',
      rounds,
      `${Math.round(worst)} ms`,
      worst > 2000 ? `${Math.round(worst - 2000)} ms PAST` : `${Math.round(2000 - worst)} ms before`,
      `${seen.filter((s) => s.next.ms > 2000).length} of ${rounds}`,
      `${tally(seen.map((s) => s.next.outcome))}; a new call ${seen.filter((s) => s.newCall).length} of ${rounds}`,
    ]);
  }
  await bound('Secrets Manager throttled, 1 s left', 1000, () => sm.setFault({ error: 'ThrottlingException', times: Infinity }));
  await bound('Secrets Manager slow (answers in 1.5 s), 1 s left', 1000, () => sm.setFault({ delayMs: 1500, times: Infinity }));
  await bound('Secrets Manager slow (answers in 300 ms), 1 s left', 1000, () => sm.setFault({ delayMs: 300, times: Infinity }));
  await bound('Secrets Manager drops the connection, 1 s left', 1000, () => sm.setFault({ drop: true, times: Infinity }));

  // sentry(): an ingest that never answers, the error reported with 2 s left
  {
    const ingest = await startSentryIngest();
    await ingest.setMode('hang');
    const handler = middy(async () => {
      throw new Error('soak: reported to a hung ingest');
    }).use(sentry({ dsn: ingest.dsn }));
    const seen = [];
    for (let i = 0; i < rounds; i++) seen.push(await timeRun(handler, 2000));
    const worst = Math.max(...seen.map((s) => s.ms));
    boundRows.push([
      'Sentry ingest, no answer (error reported)',
      '2000 ms',
      rounds,
      `${Math.round(worst)} ms`,
      worst > 2000 ? `${Math.round(worst - 2000)} ms PAST` : `${Math.round(2000 - worst)} ms before`,
      `${seen.filter((s) => s.ms > 2000).length} of ${rounds}`,
      tally(seen.map((s) => s.outcome)),
    ]);
    await ingest.close();
  }
  setLogSink(undefined);

  // the largest line and Sentry event: the preset on the real runtime, a Kinesis batch of bad records
  console.log('soak: measuring the largest line and Sentry event...');
  const ingest = await startSentryIngest();
  for (const n of [1_000, 10_000]) {
    // each record's data is the number 1 (not a job object: it fails the schema); small, so 10,000 Kinesis records
    // stay under Lambda's 6 MB event limit
    const event = kinesisEvent(Array.from({ length: n }, () => 1));
    const before = ingest.events.length;
    // a small batch after the large one: a line of the large one still coming after its response arrives during
    // the next invocation, and is counted in the invocation whose request id it names
    const result = await invoke({
      handler: join(root, 'tests/managed-instances/fixtures/preset-handler.mjs'),
      events: [event, kinesisEvent([1])],
      timeout: 30,
      memory: 1024,
      env: { ...sm.env, SECRET_ARN: arn, SENTRY_DSN: ingest.dsn },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const lines = result.invocations[0].functionLines;
    const size = (text) => Buffer.byteLength(text);
    const largest = Math.max(0, ...lines.map(size));
    const errorLine = lines.find((l) => l.startsWith('{') && l.includes('"error":{')) ?? '';
    const runtimeLine = lines.find((l) => l.includes('Invoke Error')) ?? '';
    const events = ingest.events.slice(before).map((e) => size(JSON.stringify(e)));
    // the events of the large batch (the small one's is small)
    const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
    sizeRows.push([
      `${n.toLocaleString('en-US')} bad records (Kinesis, ${kb(size(JSON.stringify(event)))} event)`,
      kb(largest),
      kb(size(errorLine)),
      kb(size(runtimeLine)),
      events.length ? kb(Math.max(...events)) : 'none received',
      kb(size(result.invocations[0].payload)),
      `${result.invocations[0].status} (${result.invocations[0].error?.errorType ?? '-'})`,
    ]);
  }
  await ingest.close();

  console.log('soak: measuring the bounds of issue 20 (hostile errors, hung prefetch, failure near the deadline)...');
  const { measureIssue20 } = await import('./soak-issue20.mjs');
  issue20Rows = await measureIssue20({ root, rounds, sm });
  await sm.close();
  process.env = savedEnv;
}

console.log(
  `\nsoak (${quick ? 'quick: CI counts' : `scale ${scale}`}, Node ${process.version}, ${((Date.now() - started) / 1000).toFixed(0)} s in all; jest exit ${jest.status})`,
);
printTable(
  ['property', 'count', 'result', 'time'],
  rows.map((r) => [r.property, r.counts, r.result, `${(r.ms / 1000).toFixed(1)} s`]),
);
if (bounds) {
  console.log('\nbounds: the worst time seen against the deadline (measured, not asserted)');
  printTable(['bound', 'deadline', 'runs', 'worst', 'vs deadline', 'past the deadline', 'outcomes'], boundRows);
  console.log('\nsizes: the largest line and Sentry event written (the preset on aws-lambda-ric)');
  printTable(['batch', 'largest line', 'error line (errorLog)', "runtime's Invoke Error line", 'largest Sentry event', 'error returned', 'outcome'], sizeRows);
  console.log('\nissue 20: errors of hostile shape, a hung prefetch, a failure near the deadline (worst of the runs)');
  printTable(['case', 'runs', 'time', 'measured', 'outcome'], issue20Rows);
}
const mi = rows.filter((r) => r.property.startsWith('managed-instances'));
if (mi.length > 0) {
  console.log('\nManaged Instances (aws-lambda-ric multi-concurrent mode)');
  for (const r of mi) console.log(`- ${r.property}: ${r.counts} (${r.result})`);
}
process.exit(jest.status ?? 1);
