// Profile one stack's warm loop: node bench/profile.js <stack> [success|error] [n]
// Runs the stack's worker (bench/lib/child.js) under --cpu-prof against the same local endpoints as run.js, then
// prints the functions with the most self time, grouped by package. The .cpuprofile is left in bench/.build/prof
// (open it in Chrome DevTools).
import { fork } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSecretsManager, startSentryIngest } from '../packages/testkit/dist/index.js';
import { EXPECTED, STACKS, contextFor, errorEvent, stackEnv, successEvent } from './lib/workload.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const [stack = 'lambdaware', kind = 'success', nArg] = process.argv.slice(2);
if (!STACKS.includes(stack) || !['success', 'error'].includes(kind)) {
  console.error(`usage: node bench/profile.js <${STACKS.join('|')}> [success|error] [n]`);
  process.exit(2);
}
const n = Number(nArg ?? (kind === 'success' ? 20000 : 2000));
const dir = join(HERE, '.build', 'prof');
mkdirSync(dir, { recursive: true });
for (const f of readdirSync(dir)) if (f.endsWith('.cpuprofile')) rmSync(join(dir, f));

const sm = await startSecretsManager();
const ingest = await startSentryIngest({ keepAlive: true });
sm.setSecret(`bench/${stack}`, { apiKey: 'sk-bench-profile' });
const input = join(HERE, '.build', 'input.json');
writeFileSync(
  input,
  JSON.stringify({ success: successEvent(), error: errorEvent(), expected: EXPECTED, context: { ...contextFor('x'), getRemainingTimeInMillis: undefined } }),
);
const child = fork(join(HERE, 'lib', 'child.js'), ['warm', join(HERE, 'stacks', `${stack}.js`)], {
  env: { ...stackEnv({ stack, secretsManager: sm, ingest }), BENCH_INPUT: input },
  execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const call = (msg) =>
  new Promise((resolve) => {
    child.once('message', function on(m) {
      if (m.ready) return child.once('message', on);
      resolve(m.value ?? m);
    });
    child.send({ ...msg, id: 1 });
  });
await new Promise((r) => child.once('message', r));
const res = await call({ cmd: 'warm', kind, n, tag: 0xbeef });
console.log(`${stack} ${kind}: ${res.meanUs.toFixed(1)} µs mean, p50 ${res.p50Us.toFixed(1)}, p99 ${res.p99Us.toFixed(1)}, CPU ${res.cpuUs.toFixed(1)} µs`);
child.send({ cmd: 'exit', id: 2 });
await new Promise((r) => child.once('exit', r));
await sm.close();
await ingest.close();

const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
const prof = JSON.parse(readFileSync(join(dir, file), 'utf8'));
const dt = new Map();
for (let i = 0; i < prof.samples.length; i++) dt.set(prof.samples[i], (dt.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
const self = new Map();
const byPkg = new Map();
let total = 0;
for (const node of prof.nodes) {
  const t = dt.get(node.id) ?? 0;
  total += t;
  const { functionName, url, lineNumber } = node.callFrame;
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url) ?? /packages\/([^/]+)\//.exec(url);
  const pkg = m
    ? url.includes('/packages/') && !url.includes('node_modules')
      ? `@lambdaware/${m[1]}`
      : m[1]
    : url.startsWith('node:')
      ? 'node:'
      : url === ''
        ? `(${functionName || 'native'})`
        : url.replace(/.*\/bench\//, 'bench/');
  byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + t);
  const key = `${functionName || '(anonymous)'} ${url.replace(/.*node_modules\//, '').replace(/.*\/packages\//, 'packages/')}:${lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + t);
}
const pct = (t) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
console.log(`\nself time by package (${file})`);
for (const [k, t] of [...byPkg].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${pct(t)}  ${k}`);
console.log('\nself time by function');
for (const [k, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${pct(t)}  ${k}`);
