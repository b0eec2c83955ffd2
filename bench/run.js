// lambdaware against the stacks users would pick instead, in one interleaved run.
//
//   npm run bench                 full run (< 10 min on 2 cores); writes bench/results/latest.json, latest.md and the
//                                 README's latest-run section
//   npm run bench -- --quick      smoke run (< 1 min): every step, few repetitions; writes nothing unless --json
//   options: --json=<file> (write the results there too), --stacks=raw,lambdaware (a subset; raw is always kept)
//
// Stacks (bench/stacks/*.js, each exporting createHandler()): raw, middy-official, powertools-first, lambdaware,
// lambdaware-app-sentry, lambdaware-no-sentry (the same work with no Sentry at all: the error path's floor).
// Workload (bench/lib/workload.js): an SQS batch of 10 JSON bodies, result = messages joined with ':', one JSON info
// line with the request id per success, one secret JSON fetched through the AWS SDK v3 from a local Secrets Manager
// endpoint and cached, and on error one error line plus the event delivered to a local Sentry ingest before the
// invocation ends. Each stack is verified to do all of that before it is measured, and left out if it does not.
//
// Steps: bundles (esbuild, minified, @aws-sdk external / all bundled) and the sizes of the parts (lib/sizes.js) ->
// warm workers (one process per stack, verified, then rounds alternating stacks: success batches, error batches; RSS
// at the end) -> cold starts (fresh processes, rounds alternating stacks and modes: node_modules, bundle with
// @aws-sdk external, bundle with all bundled) -> soak (raw and lambdaware, --expose-gc: heap after GC every 10,000
// of 100,000 invocations) -> the table and the targets (lib/targets.js).
import { fork, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, statSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { startSecretsManager, startSentryIngest } from '../packages/testkit/dist/index.js';
import { concernTable, measureSizes } from './lib/sizes.js';
import { evaluateTargets } from './lib/targets.js';
import { EXPECTED, FAIL_INDEX, STACKS, contextFor, errorEvent, reportsToSentry, requestId, stackEnv, successEvent } from './lib/workload.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const BUILD = join(HERE, '.build', `run-${process.pid}`); // per run: a quick run and a full run may overlap
const CHILD = join(HERE, 'lib', 'child.js');

// ---- options --------------------------------------------------------------------------------------------------------
const args = process.argv.slice(2);
const flag = (name) => args.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
const optionValue = (name) => flag(name)?.split('=').slice(1).join('=');
const QUICK = flag('quick') !== undefined;
const unknown = args.filter((a) => !/^--(quick|json=.+|stacks=.+)$/.test(a));
if (unknown.length > 0) {
  console.error(`bench: unknown argument(s) ${unknown.join(' ')} (known: --quick, --json=<file>, --stacks=<a,b>)`);
  process.exit(2);
}
const wanted = optionValue('stacks')?.split(',') ?? STACKS;
for (const s of wanted) {
  if (!STACKS.includes(s)) {
    console.error(`bench: --stacks: unknown stack "${s}" (stacks: ${STACKS.join(', ')})`);
    process.exit(2);
  }
}
const stacks = STACKS.filter((s) => s === 'raw' || wanted.includes(s));

const P = QUICK
  ? { rounds: 2, successPerRound: 400, errorPerRound: 40, warmupSuccess: 200, warmupError: 20, cold: 2, soak: 4000, soakEvery: 400, soakErrorEvery: 100 }
  : {
      rounds: 12,
      successPerRound: 2000,
      errorPerRound: 250,
      warmupSuccess: 1000,
      warmupError: 50,
      cold: 15,
      soak: 100_000,
      soakEvery: 10_000,
      soakErrorEvery: 100,
    };
const SOAK_STACKS = ['raw', 'lambdaware'];

const MODES = [
  { key: 'node_modules', label: 'node_modules' },
  { key: 'sdk-external', label: 'bundle, @aws-sdk external' },
  { key: 'all-bundled', label: 'bundle, all bundled' },
];

const log = (...a) => console.log(...a);
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)}s`;

// ---- stats ------------------------------------------------------------------------------------------------------------
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => {
  const s = sorted(xs);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const summary = (xs) => (xs.length === 0 ? undefined : { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length });

// ---- local endpoints ------------------------------------------------------------------------------------------------
const secretsManager = await startSecretsManager();
const ingest = await startSentryIngest({ keepAlive: true });
const SECRET_VALUE = { apiKey: `sk-bench-${Math.random().toString(36).slice(2)}`, region: 'us-east-1' };
for (const s of stacks) secretsManager.setSecret(`bench/${s}`, SECRET_VALUE);
const fetchesOf = (secretId) =>
  secretsManager.calls.filter((c) => c.body.SecretId === secretId || (Array.isArray(c.body.SecretIdList) && c.body.SecretIdList.includes(secretId))).length;

mkdirSync(BUILD, { recursive: true });
const inputFile = join(BUILD, 'input.json');
writeFileSync(
  inputFile,
  JSON.stringify({ success: successEvent(), error: errorEvent(), expected: EXPECTED, context: { ...contextFor('x'), getRemainingTimeInMillis: undefined } }),
);
const envOf = (stack) => ({ ...stackEnv({ stack, secretsManager, ingest }), BENCH_INPUT: inputFile });

const results = {
  date: new Date().toISOString(),
  quick: QUICK,
  node: process.version,
  machine: { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', loadavgAtStart: loadavg().map((l) => +l.toFixed(2)) },
  params: P,
  stacks,
  excluded: {},
  bundles: {},
  sizes: {},
  warm: {},
  cold: {},
  soak: {},
};

const cleanup = async () => {
  await Promise.allSettled([secretsManager.close(), ingest.close()]);
};

// ---- 1. bundles -----------------------------------------------------------------------------------------------------
log(
  `lambdaware bench${QUICK ? ' --quick' : ''}: ${process.version}, ${results.machine.nproc} x ${results.machine.cpu}, load average ${results.machine.loadavgAtStart.join(' ')}`,
);
log(`[${elapsed()}] bundling (esbuild, minified, node22 ESM)`);
const entryOf = (stack, mode) => (mode === 'node_modules' ? join(HERE, 'stacks', `${stack}.js`) : join(BUILD, `${stack}.${mode}.mjs`));
for (const stack of stacks) {
  results.bundles[stack] = {};
  for (const mode of ['sdk-external', 'all-bundled']) {
    const outfile = entryOf(stack, mode);
    const out = await build({
      entryPoints: [join(HERE, 'stacks', `${stack}.js`)],
      outfile,
      bundle: true,
      minify: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      external: mode === 'sdk-external' ? ['@aws-sdk/*'] : [],
      // CommonJS dependencies (the AWS SDK, parts of Sentry) call require() for node builtins.
      banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
      metafile: true,
      logLevel: 'error',
      legalComments: 'none',
    });
    const bytes = statSync(outfile).size;
    // What the bytes are: output bytes per package (from esbuild's metafile).
    const byPackage = {};
    for (const [path, { bytesInOutput }] of Object.entries(Object.values(out.metafile.outputs)[0].inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const key = m ? m[1] : path.startsWith('packages/') ? `@lambdaware/${path.split('/')[1]} (workspace)` : path;
      byPackage[key] = (byPackage[key] ?? 0) + bytesInOutput;
    }
    const top = Object.entries(byPackage)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([pkg, b]) => ({ pkg, kb: +(b / 1024).toFixed(1) }));
    results.bundles[stack][mode] = { kb: +(bytes / 1024).toFixed(1), top };
  }
}

log(`[${elapsed()}] sizes: the preset (sources auto-detected / named), records({ source: 'sqs' }) alone, each concern alone`);
results.sizes = await measureSizes({ root: ROOT, buildDir: BUILD });

// ---- 2. warm workers, verified --------------------------------------------------------------------------------------
const startWorker = (stack, execArgv = []) =>
  new Promise((resolve, reject) => {
    const child = fork(CHILD, ['warm', entryOf(stack, 'node_modules')], { env: envOf(stack), execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const pending = new Map();
    let seq = 0;
    child.on('message', (msg) => {
      if (msg.ready) resolve(worker);
      else {
        pending.get(msg.id)?.(msg);
        pending.delete(msg.id);
      }
    });
    child.on('exit', (code, signal) => {
      const why = `worker of ${stack} exited (${signal ?? code})`;
      reject(new Error(why));
      for (const done of pending.values()) done({ error: why });
      pending.clear();
    });
    const worker = {
      stack,
      child,
      call: (msg) =>
        new Promise((res, rej) => {
          const id = ++seq;
          pending.set(id, (m) => (m.error !== undefined ? rej(new Error(m.error)) : res(m.value)));
          child.send({ ...msg, id });
        }),
      stop: () => {
        child.removeAllListeners('exit');
        child.kill();
      },
    };
  });

/** What a stack must have done; returns the problems (none: verified). */
const verify = async (worker, tag) => {
  const stack = worker.stack;
  const ids = { ok1: requestId(tag, 1), ok2: requestId(tag, 2), err: requestId(tag, 3) };
  const { ok1, ok2, err } = await worker.call({ cmd: 'verify', ids });
  const problems = [];
  const levelOf = (line) => String(line.level ?? '').toLowerCase();
  const checkLines = (what, obs, id, level) => {
    const parsed = [];
    for (const l of obs.lines) {
      try {
        parsed.push(JSON.parse(l));
      } catch {
        problems.push(`${what}: a line is not JSON: ${l.slice(0, 120)}`);
      }
    }
    for (const [i, l] of parsed.entries())
      if (!JSON.stringify(l).includes(id)) problems.push(`${what}: line ${i} has no request id: ${JSON.stringify(l).slice(0, 160)}`);
    const atLevel = parsed.filter((l) => levelOf(l) === level);
    if (atLevel.length !== 1) problems.push(`${what}: ${atLevel.length} ${level} lines (expected 1) in ${parsed.length} lines`);
    if (parsed.length !== 1) problems.push(`${what}: ${parsed.length} lines written (expected exactly 1)`);
  };
  for (const [what, obs, id] of [
    ['success 1', ok1, ids.ok1],
    ['success 2', ok2, ids.ok2],
  ]) {
    if (obs.error !== undefined) problems.push(`${what}: threw ${obs.error}`);
    else if (obs.result !== EXPECTED) problems.push(`${what}: returned ${JSON.stringify(obs.result)}, expected ${JSON.stringify(EXPECTED)}`);
    checkLines(what, obs, id, 'info');
  }
  if (err.error === undefined) problems.push(`error: did not throw (returned ${JSON.stringify(err.result)})`);
  else if (!err.error.includes(`record ${FAIL_INDEX} rejected`)) problems.push(`error: threw something else: ${err.error}`);
  checkLines('error', err, ids.err, 'error');
  // Delivered before the invocation ended: the ingest (this process) answered the SDK's request before the worker
  // reported back, so the event is already here; no waiting.
  const delivered = ingest.events.filter((e) => JSON.stringify(e).includes(ids.err));
  const expected = reportsToSentry(stack) ? 1 : 0;
  if (delivered.length !== expected) {
    problems.push(`sentry: ${delivered.length} events for the failed invocation reached the ingest before it ended (expected ${expected})`);
  }
  const fetches = fetchesOf(`bench/${stack}`);
  if (fetches !== 1) problems.push(`secret: fetched ${fetches} times for 3 invocations (expected 1: cached)`);
  return problems;
};

log(`[${elapsed()}] starting and verifying one worker per stack: ${stacks.join(', ')}`);
const workers = [];
for (const [i, stack] of stacks.entries()) {
  let worker;
  try {
    worker = await startWorker(stack);
    const problems = await verify(worker, 0xa0 + i);
    if (problems.length > 0) {
      worker.stop();
      results.excluded[stack] = problems;
      log(`  ${stack}: LEFT OUT, it did not do the workload:\n    - ${problems.join('\n    - ')}`);
      continue;
    }
    log(
      `  ${stack}: verified (result, 1 info line / 1 error line with the request id, 1 secret fetch, ${reportsToSentry(stack) ? 'Sentry event delivered' : 'no Sentry'})`,
    );
    workers.push(worker);
  } catch (e) {
    worker?.stop();
    results.excluded[stack] = [`failed to start: ${e.message}`];
    log(`  ${stack}: LEFT OUT, it failed to start: ${e.message}`);
  }
}
const measured = workers.map((w) => w.stack);
if (!measured.includes('raw')) {
  log('raw did not pass its verification: nothing to compare against');
  await cleanup();
  rmSync(BUILD, { recursive: true, force: true });
  process.exit(1);
}

// ---- 3. warm: rounds alternating stacks ------------------------------------------------------------------------------
const rotate = (xs, k) => xs.map((_, i) => xs[(i + k) % xs.length]);
const warm = { success: {}, error: {} };
for (const s of measured) {
  warm.success[s] = [];
  warm.error[s] = [];
}
let tag = 0x1000;
log(`[${elapsed()}] warm-up`);
for (const w of workers) {
  await w.call({ cmd: 'warm', kind: 'success', n: P.warmupSuccess, tag: tag++ });
  await w.call({ cmd: 'warm', kind: 'error', n: P.warmupError, tag: tag++ });
}
const problemsDuringWarm = [];
for (let r = 0; r < P.rounds; r++) {
  log(`[${elapsed()}] warm round ${r + 1}/${P.rounds}: ${P.successPerRound} successes and ${P.errorPerRound} failures per stack`);
  for (const kind of ['success', 'error']) {
    for (const w of rotate(workers, r)) {
      const n = kind === 'success' ? P.successPerRound : P.errorPerRound;
      const before = ingest.events.length;
      const fetchesBefore = fetchesOf(`bench/${w.stack}`);
      const res = await w.call({ cmd: 'warm', kind, n, tag: tag++ });
      const delivered = ingest.events.length - before;
      if (res.wrong > 0) problemsDuringWarm.push(`${w.stack} ${kind}: ${res.wrong} of ${n} invocations gave the wrong outcome`);
      if (res.lines !== n) problemsDuringWarm.push(`${w.stack} ${kind}: ${res.lines} lines for ${n} invocations (expected ${n})`);
      const expected = kind === 'error' && reportsToSentry(w.stack) ? n : 0;
      if (delivered !== expected)
        problemsDuringWarm.push(`${w.stack} ${kind}: ${delivered} Sentry events delivered for ${n} invocations (expected ${expected})`);
      if (fetchesOf(`bench/${w.stack}`) !== fetchesBefore) problemsDuringWarm.push(`${w.stack} ${kind}: fetched the secret again while warm`);
      warm[kind][w.stack].push(res);
    }
    // The ingest keeps every envelope: drop them between batches (they were counted above).
    ingest.envelopes.length = 0;
    ingest.events.length = 0;
  }
}
// RSS at the end of the warm run: what the process holds after every round (no GC forced).
const rssAtEnd = {};
for (const w of workers) rssAtEnd[w.stack] = (await w.call({ cmd: 'memory' })).rssMB;
for (const w of workers) w.stop();
for (const s of measured) {
  results.warm[s] = { rssAtEndMB: rssAtEnd[s] };
  for (const kind of ['success', 'error']) {
    const rs = warm[kind][s];
    results.warm[s][kind] = {
      invocations: rs.reduce((a, r) => a + r.n, 0),
      meanUs: summary(rs.map((r) => r.meanUs)),
      p50Us: summary(rs.map((r) => r.p50Us)),
      p99Us: summary(rs.map((r) => r.p99Us)),
      cpuUs: summary(rs.map((r) => r.cpuUs)),
    };
  }
}
results.warmProblems = problemsDuringWarm;
for (const p of problemsDuringWarm) log(`  warning: ${p}`);

// ---- 4. cold starts: fresh processes, rounds alternating stacks and modes ------------------------------------------
const coldOnce = (stack, mode) =>
  new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CHILD, 'cold', entryOf(stack, mode)], { env: envOf(stack), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let wallMs;
    child.stdout.on('data', (d) => {
      out += d;
      if (wallMs === undefined && out.includes('\n')) wallMs = performance.now() - t0;
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('@@bench '));
      if (line === undefined) return resolve({ ok: false, error: `exit ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}` });
      resolve({ ...JSON.parse(line.slice(8)), wallMs });
    });
  });

for (const s of measured) results.cold[s] = {};
const coldRuns = {};
for (const s of measured) for (const m of MODES) coldRuns[`${s}|${m.key}`] = [];
// One process of each stack first, not counted (the file system cache), then P.cold counted rounds (--quick: no
// uncounted round; its numbers are not read).
for (let r = QUICK ? 0 : -1; r < P.cold; r++) {
  log(`[${elapsed()}] cold round ${r < 0 ? 'warm-up (not counted)' : `${r + 1}/${P.cold}`}`);
  for (const m of rotate(MODES, Math.max(0, r))) {
    for (const s of rotate(measured, Math.max(0, r))) {
      const res = await coldOnce(s, m.key);
      if (!res.ok) {
        problemsDuringWarm.push(`${s} cold (${m.key}): ${res.error}`);
        log(`  warning: ${s} cold (${m.key}) failed: ${res.error}`);
        continue;
      }
      if (r >= 0) coldRuns[`${s}|${m.key}`].push(res);
    }
  }
}
for (const s of measured) {
  for (const m of MODES) {
    const rs = coldRuns[`${s}|${m.key}`];
    results.cold[s][m.key] = {
      runs: rs.length,
      importMs: summary(rs.map((r) => r.importMs)),
      initMs: summary(rs.map((r) => r.initMs)),
      firstMs: summary(rs.map((r) => r.firstMs)),
      wallMs: summary(rs.map((r) => r.wallMs)),
      maxRssMB: summary(rs.map((r) => r.maxRssMB)),
    };
  }
}
// ---- 5. soak: heap after GC over many invocations ----------------------------------------------------------------
for (const stack of SOAK_STACKS.filter((s) => measured.includes(s))) {
  log(`[${elapsed()}] soak ${stack}: ${P.soak} invocations (1 in ${P.soakErrorEvery} failing), heap after GC every ${P.soakEvery}`);
  const w = await startWorker(stack, ['--expose-gc']);
  const res = await w.call({ cmd: 'soak', n: P.soak, every: P.soakEvery, errorEvery: P.soakErrorEvery, tag: tag++ });
  w.stop();
  ingest.envelopes.length = 0;
  ingest.events.length = 0;
  if (res.wrong > 0) problemsDuringWarm.push(`${stack} soak: ${res.wrong} of ${P.soak} invocations gave the wrong outcome`);
  const first = res.samples[0];
  const last = res.samples.at(-1);
  // least-squares slope of heapUsed over invocations, in bytes per invocation
  const xs = res.samples.map((x) => x.invocations);
  const ys = res.samples.map((x) => x.heapUsedMB * 2 ** 20);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const slope = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  results.soak[stack] = {
    invocations: P.soak,
    samples: res.samples.map((x) => ({ invocations: x.invocations, heapUsedMB: +x.heapUsedMB.toFixed(3) })),
    firstMB: first.heapUsedMB,
    lastMB: last.heapUsedMB,
    growthMB: last.heapUsedMB - first.heapUsedMB,
    slopeBytesPerInvocation: slope,
  };
}
await cleanup();

// ---- 6. the table -----------------------------------------------------------------------------------------------------
const ROWS = [];
for (const m of MODES) {
  const g = `cold start, ${m.label}`;
  ROWS.push({ group: g, label: 'import (ms)', get: (s) => results.cold[s][m.key].importMs });
  ROWS.push({ group: g, label: 'init (ms)', get: (s) => results.cold[s][m.key].initMs });
  ROWS.push({ group: g, label: 'first invocation (ms)', get: (s) => results.cold[s][m.key].firstMs });
  ROWS.push({ group: g, label: 'total wall (ms)', get: (s) => results.cold[s][m.key].wallMs });
  ROWS.push({ group: g, label: 'max RSS (MB)', get: (s) => results.cold[s][m.key].maxRssMB });
}
for (const [kind, n] of [
  ['success', P.rounds * P.successPerRound],
  ['error', P.rounds * P.errorPerRound],
]) {
  const g = `warm ${kind}, µs per invocation (${n} invocations, median of ${P.rounds} rounds)`;
  ROWS.push({ group: g, label: 'mean', get: (s) => results.warm[s][kind].meanUs });
  ROWS.push({ group: g, label: 'p50', get: (s) => results.warm[s][kind].p50Us });
  ROWS.push({ group: g, label: 'p99', get: (s) => results.warm[s][kind].p99Us });
  ROWS.push({ group: g, label: 'CPU', get: (s) => results.warm[s][kind].cpuUs });
}
ROWS.push({
  group: 'memory (MB)',
  label: 'RSS, end of the warm run',
  get: (s) => (results.warm[s].rssAtEndMB === undefined ? undefined : { median: results.warm[s].rssAtEndMB }),
});
ROWS.push({
  group: `soak, heap after GC (MB; ${P.soak} invocations, 1 in ${P.soakErrorEvery} failing)`,
  label: `after the first ${P.soakEvery}`,
  get: (s) => results.soak[s] && { median: results.soak[s].firstMB },
});
ROWS.push({
  group: `soak, heap after GC (MB; ${P.soak} invocations, 1 in ${P.soakErrorEvery} failing)`,
  label: 'at the end',
  get: (s) => results.soak[s] && { median: results.soak[s].lastMB },
});
ROWS.push({ group: 'bundle (esbuild --minify, KB)', label: '@aws-sdk external', get: (s) => ({ median: results.bundles[s]['sdk-external'].kb }) });
ROWS.push({ group: 'bundle (esbuild --minify, KB)', label: 'all bundled', get: (s) => ({ median: results.bundles[s]['all-bundled'].kb }) });

const fmt = (v) => (v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const ratio = (a, b) => {
  if (a === undefined || b === undefined || b === 0) return '-';
  const r = a / b;
  return `${r < 0.1 ? r.toPrecision(2) : r.toFixed(2)}x`;
};
const baseline = measured.includes('middy-official') ? 'middy-official' : undefined;
const cellOf = (row, s) => {
  const v = row.get(s);
  if (v === undefined) return { value: '-', ratios: '' };
  const range = v.min !== undefined && v.n > 1 ? ` [${fmt(v.min)}-${fmt(v.max)}]` : '';
  const raw = row.get('raw')?.median;
  const mid = baseline ? row.get(baseline)?.median : undefined;
  return { value: `${fmt(v.median)}${range}`, ratios: `${ratio(v.median, raw)} raw${baseline ? `, ${ratio(v.median, mid)} middy` : ''}` };
};
results.table = ROWS.map((row) => ({
  group: row.group,
  label: row.label,
  values: Object.fromEntries(measured.map((s) => [s, row.get(s)])),
}));

const W = 26;
log('');
log(`${'median [min-max]; ratio to raw, to middy-official'.padEnd(30)}${measured.map((s) => s.padEnd(W)).join('')}`);
let group;
for (const row of ROWS) {
  if (row.group !== group) {
    group = row.group;
    log(`-- ${group}`);
  }
  const cells = measured.map((s) => cellOf(row, s));
  log(`  ${row.label.padEnd(28)}${cells.map((c) => c.value.padEnd(W)).join('')}`);
  log(`  ${''.padEnd(28)}${cells.map((c) => c.ratios.padEnd(W)).join('')}`);
}

// ---- 7. targets for lambdaware ---------------------------------------------------------------------------------------
const targets = evaluateTargets(results, measured);
const { presetAuto, presetNamed, recordsSqs, concerns } = results.sizes;
const sizeOf = (x) => (x?.kb === undefined ? `n/a (${x?.error ?? 'not measured'})` : `${x.kb} KB`);
log('');
log('sizes (esbuild --minify, @aws-sdk external)');
log(`  preset, every source auto-detected   ${sizeOf(presetAuto)}`);
log(`  preset, source named                 ${sizeOf(presetNamed)}`);
log(`  records({ source: 'sqs' }) alone     ${sizeOf(recordsSqs)} (${recordsSqs?.entry})`);
for (const c of concerns) {
  log(
    `  ${c.package.padEnd(36)} ${c.kb === undefined ? `n/a (${c.error})` : `${c.kb} KB: own ${c.ownKb}, shared ${c.sharedKb}, other lambdaware ${c.otherLambdawareKb}, third-party ${c.thirdPartyKb}`}`,
  );
}
log('');
log('targets for lambdaware (same run)');
for (const t of targets) {
  const value = t.status === 'n/a' ? '' : ` ${fmt(t.value)} ${t.unit} (limit ${fmt(t.limit)} ${t.unit})`;
  log(`  ${t.status.padEnd(4)}  ${t.name}${value}${t.note ? `; ${t.note}` : ''}`);
}
results.targets = targets;

// The same table in Markdown (bench/README.md carries the one of the latest full run).
const md = [];
md.push(`| median [min–max]; ×raw / ×middy-official | ${measured.join(' | ')} |`);
md.push(`|---|${measured.map(() => '---:').join('|')}|`);
group = undefined;
for (const row of ROWS) {
  if (row.group !== group) {
    group = row.group;
    md.push(`| **${group}** |${measured.map(() => ' ').join('|')}|`);
  }
  md.push(
    `| ${row.label} | ${measured
      .map((s) => {
        const c = cellOf(row, s);
        return `${c.value}<br>${c.ratios.replace(' raw', '×r').replace(' middy', '×m').replace(/x/g, '')}`;
      })
      .join(' | ')} |`,
  );
}
md.push('');
md.push('| target for lambdaware | value | limit | | note |');
md.push('|---|---:|---:|---|---|');
for (const t of targets) {
  const cell = (x) => (x === undefined ? 'n/a' : `${fmt(x)} ${t.unit}`);
  md.push(`| ${t.name} | ${cell(t.value)} | ${cell(t.limit)} | ${t.status === 'MISS' ? '**MISS**' : t.status} | ${t.note ?? ''} |`);
}
md.push('');
md.push(concernTable(concerns));
results.markdown = md.join('\n');

const bundleTop = (s) =>
  results.bundles[s]['sdk-external'].top
    .slice(0, 6)
    .map((t) => `${t.pkg} ${t.kb}`)
    .join(', ');
log('');
log('largest parts of each bundle (@aws-sdk external, KB)');
for (const s of measured) log(`  ${s.padEnd(18)} ${bundleTop(s)}`);
for (const [s, why] of Object.entries(results.excluded)) log(`left out: ${s}: ${why.join('; ')}`);

results.durationS = +((performance.now() - started) / 1000).toFixed(1);
results.machine.loadavgAtEnd = loadavg().map((l) => +l.toFixed(2));
const jsonOut = optionValue('json') ?? (QUICK ? undefined : join(HERE, 'results', 'latest.json'));
if (jsonOut) {
  mkdirSync(dirname(jsonOut), { recursive: true });
  writeFileSync(jsonOut, `${JSON.stringify(results, null, 2)}\n`);
  if (!QUICK && optionValue('json') === undefined) {
    writeFileSync(join(HERE, 'results', 'latest.md'), `${results.markdown}\n`);
    updateReadme(results);
  }
  log(`results: ${relative(process.cwd(), jsonOut) || jsonOut}`);
}
log(`done in ${results.durationS} s`);
rmSync(BUILD, { recursive: true, force: true });
// Exit status: 0 when every stack was verified and measured without problems; targets are reported, not enforced.
process.exit(Object.keys(results.excluded).length > 0 || problemsDuringWarm.length > 0 ? 1 : 0);

/** A full run rewrites the README's "Latest full run" section (between its markers) with this run's table. */
function updateReadme(r) {
  const path = join(HERE, 'README.md');
  const readme = readFileSync(path, 'utf8');
  const [start, end] = ['<!-- latest-run -->', '<!-- /latest-run -->'];
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) return log(`README.md has no ${start} … ${end} section: not updated`);
  const { nproc, cpu, loadavgAtStart, loadavgAtEnd } = r.machine;
  const header =
    `${r.date.slice(0, 10)} (${r.date}), Node ${r.node}, \`nproc\` ${nproc}, ${cpu} (load average ${loadavgAtStart.join(' ')} at ` +
    `the start, ${loadavgAtEnd.join(' ')} at the end), ${r.durationS} s. Raw JSON: \`results/latest.json\`. Cells: median ` +
    `[min–max]; ratio to raw (×r) and to middy-official (×m).`;
  writeFileSync(path, `${readme.slice(0, from + start.length)}\n${header}\n\n${r.markdown}\n${readme.slice(to)}`);
  log('README.md: latest full run updated');
}
