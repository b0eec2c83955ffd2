// The processes a stack runs in. Imports nothing but node: builtins and the stack's entry, so that what a cold
// start measures is the stack.
//
//   node child.js cold <entry>   one cold start: import, createHandler(), first invocation; prints one result line
//   node child.js warm <entry>   a long-lived worker driven over IPC by run.js (verify, then warm rounds, then its
//                                memory; forked with --expose-gc, the soak: heap after GC sampled over many invocations)
//
// The stack's stdout and stderr go to a null sink that counts lines (in `verify` they are captured and checked).
import { readFileSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [mode, entry] = process.argv.slice(2);
const t0 = performance.now();

let lines = 0;
let capture;
const countLines = (chunk) => {
  const s = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) lines++;
  if (capture !== undefined) capture.push(s);
};
const sink = (chunk, encoding, cb) => {
  countLines(chunk);
  const done = typeof encoding === 'function' ? encoding : cb;
  if (typeof done === 'function') queueMicrotask(done);
  return true;
};
// Both streams: Powertools writes its error lines to stderr (console.error of its own Console), ours to stdout.
// Console instances call the stream's write, so replacing write on the stream objects catches every writer.
process.stdout.write = sink;
process.stderr.write = sink;

const input = JSON.parse(readFileSync(process.env.BENCH_INPUT, 'utf8'));
const contextFor = (requestId) => ({ ...input.context, awsRequestId: requestId, getRemainingTimeInMillis: () => 30_000 });
const requestId = (tag, n) => `${tag.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

const errorText = (e) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

if (mode === 'cold') {
  const mod = await import(pathToFileURL(entry).href);
  const t1 = performance.now();
  const handler = await mod.createHandler();
  const t2 = performance.now();
  let result;
  let error;
  try {
    result = await handler(structuredClone(input.success), contextFor(requestId(0xc01d, process.pid)));
  } catch (e) {
    error = errorText(e);
  }
  const t3 = performance.now();
  const out = {
    importMs: t1 - t0,
    initMs: t2 - t1,
    firstMs: t3 - t2,
    sinceStartMs: t3,
    rssMB: process.memoryUsage().rss / 2 ** 20,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    ok: error === undefined && result === input.expected,
    error: error ?? (result === input.expected ? undefined : `result ${JSON.stringify(result)}`),
    lines,
  };
  writeSync(1, `@@bench ${JSON.stringify(out)}\n`);
  process.exit(0);
}

// ---- warm worker ------------------------------------------------------------------------------------------------
const mod = await import(pathToFileURL(entry).href);
const handler = await mod.createHandler();

/** One invocation with its lines captured: what the verification checks. */
const observe = async (event, id) => {
  capture = [];
  let result;
  let error;
  try {
    result = await handler(structuredClone(event), contextFor(id));
  } catch (e) {
    error = errorText(e);
  }
  const text = capture.join('');
  capture = undefined;
  const written = text.split('\n').filter((l) => l !== '');
  return { result, error, lines: written };
};

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

/**
 * n invocations of one kind, each timed. Events (fresh copies: some stacks parse the bodies in place) and contexts
 * are made in chunks before the clock starts, and the CPU and wall time of making them are left out; chunks keep
 * the live heap small, so the garbage collector sees what a Lambda sees: one event at a time.
 */
const CHUNK = 250;
const warm = async ({ kind, n, tag }) => {
  const template = kind === 'success' ? input.success : input.error;
  const times = new Float64Array(n);
  let wrong = 0;
  const lines0 = lines;
  let cpuUs = 0;
  let wallMs = 0;
  for (let from = 0; from < n; from += CHUNK) {
    const to = Math.min(n, from + CHUNK);
    const events = [];
    const contexts = [];
    for (let i = from; i < to; i++) {
      events.push(structuredClone(template));
      contexts.push(contextFor(requestId(tag, i)));
    }
    const cpu0 = process.cpuUsage();
    const w0 = performance.now();
    for (let i = from; i < to; i++) {
      const t = performance.now();
      try {
        const r = await handler(events[i - from], contexts[i - from]);
        if (kind !== 'success' || r !== input.expected) wrong++;
      } catch {
        if (kind !== 'error') wrong++;
      }
      times[i] = performance.now() - t;
    }
    wallMs += performance.now() - w0;
    const cpu = process.cpuUsage(cpu0);
    cpuUs += cpu.user + cpu.system;
  }
  times.sort();
  let sum = 0;
  for (const t of times) sum += t;
  return {
    n,
    meanUs: (sum / n) * 1000,
    p50Us: percentile(times, 0.5) * 1000,
    p99Us: percentile(times, 0.99) * 1000,
    cpuUs: cpuUs / n,
    wallMs,
    wrong,
    lines: lines - lines0,
  };
};

/**
 * The soak: n invocations (every `errorEvery`-th one failing), and every `every` invocations the heap after a full
 * GC (`gc()` twice: the second collects what the first's finalizers released). Needs --expose-gc.
 */
const soak = async ({ n, every, errorEvery, tag }) => {
  if (typeof globalThis.gc !== 'function') throw new Error('soak: the worker was not started with --expose-gc');
  const samples = [];
  let wrong = 0;
  for (let from = 0; from < n; from += CHUNK) {
    const to = Math.min(n, from + CHUNK);
    const batch = [];
    for (let i = from; i < to; i++) {
      const fails = (i + 1) % errorEvery === 0;
      batch.push({ fails, event: structuredClone(fails ? input.error : input.success), context: contextFor(requestId(tag, i)) });
    }
    for (const [k, { fails, event, context }] of batch.entries()) {
      try {
        const r = await handler(event, context);
        if (fails || r !== input.expected) wrong++;
      } catch {
        if (!fails) wrong++;
      }
      batch[k] = undefined; // the event goes when its invocation ends, as on Lambda
      const done = from + k + 1;
      if (done % every === 0) {
        globalThis.gc();
        globalThis.gc();
        samples.push({ invocations: done, heapUsedMB: process.memoryUsage().heapUsed / 2 ** 20 });
      }
    }
  }
  return { n, wrong, lines, samples };
};

process.on('message', async (msg) => {
  try {
    if (msg.cmd === 'verify') {
      const ok1 = await observe(input.success, msg.ids.ok1);
      const ok2 = await observe(input.success, msg.ids.ok2);
      const err = await observe(input.error, msg.ids.err);
      process.send({ id: msg.id, value: { ok1, ok2, err } });
    } else if (msg.cmd === 'warm') {
      process.send({ id: msg.id, value: await warm(msg) });
    } else if (msg.cmd === 'memory') {
      const m = process.memoryUsage();
      process.send({ id: msg.id, value: { rssMB: m.rss / 2 ** 20, heapUsedMB: m.heapUsed / 2 ** 20 } });
    } else if (msg.cmd === 'soak') {
      process.send({ id: msg.id, value: await soak(msg) });
    } else if (msg.cmd === 'exit') {
      process.exit(0);
    }
  } catch (e) {
    process.send({ id: msg.id, error: errorText(e) });
  }
});
process.send({ ready: true, initMs: performance.now() - t0 });
