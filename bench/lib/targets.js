// The targets lambdaware is held to (issue 25), each measured against the other stacks of the same run. A target
// whose inputs were not measured (a stack left out, an entry point that does not exist yet) is "n/a", with the reason.

/** One megabyte: the most the heap after GC may grow over the soak and still be called flat. */
export const SOAK_FLAT_MB = 1;

/**
 * The targets, in the order: `{ name, value, limit, unit, status: 'PASS' | 'MISS' | 'n/a', note }`.
 * `results` is run.js's results object (warm, cold, sizes, soak); `measured` the stacks that passed verification.
 */
export const evaluateTargets = (results, measured) => {
  const has = (s) => measured.includes(s);
  const warmMean = (s, kind) => (has(s) ? results.warm[s][kind].meanUs?.median : undefined);
  const coldWall = (s, mode) => (has(s) ? results.cold[s][mode].wallMs?.median : undefined);
  const rssAtEnd = (s) => (has(s) ? results.warm[s].rssAtEndMB : undefined);
  const times = (k, x) => (x === undefined ? undefined : k * x);
  const plus = (k, x) => (x === undefined ? undefined : x + k);

  const targets = [];
  const target = (name, value, limit, unit, note) => {
    const status = value === undefined || limit === undefined ? 'n/a' : value <= limit ? 'PASS' : 'MISS';
    targets.push({ name, value, limit, unit, status, pass: status === 'PASS', note });
  };
  const lw = 'lambdaware';
  const missing = (...stacks) => {
    const left = stacks.filter((s) => !has(s));
    return left.length === 0 ? undefined : `not measured: ${left.join(', ')}`;
  };

  target('warm success mean <= raw + 10 µs', warmMean(lw, 'success'), plus(10, warmMean('raw', 'success')), 'µs', missing(lw, 'raw'));
  target(
    'warm error mean <= 0.5 x middy-official',
    warmMean(lw, 'error'),
    times(0.5, warmMean('middy-official', 'error')),
    'µs',
    missing(lw, 'middy-official'),
  );
  target(
    'warm error mean <= lambdaware-no-sentry + 600 µs',
    warmMean(lw, 'error'),
    plus(600, warmMean('lambdaware-no-sentry', 'error')),
    'µs',
    missing(lw, 'lambdaware-no-sentry'),
  );
  for (const [mode, label] of [
    ['sdk-external', 'bundle, @aws-sdk external'],
    ['all-bundled', 'bundle, all bundled'],
  ]) {
    target(`cold start total wall (${label}) <= 1.2 x raw`, coldWall(lw, mode), times(1.2, coldWall('raw', mode)), 'ms', missing(lw, 'raw'));
  }
  target(
    'cold start total wall (node_modules) <= 1.3 x raw',
    coldWall(lw, 'node_modules'),
    times(1.3, coldWall('raw', 'node_modules')),
    'ms',
    missing(lw, 'raw'),
  );

  const { presetAuto, presetNamed, recordsSqs } = results.sizes;
  target('preset bundle (@aws-sdk external), every source auto-detected <= 120 KB', presetAuto?.kb, 120, 'KB', presetAuto?.error);
  target(
    `preset bundle (@aws-sdk external), source named (${presetNamed?.entry ?? '@lambdaware/preset/sqs'}) <= 90 KB`,
    presetNamed?.kb,
    90,
    'KB',
    presetNamed?.error,
  );
  target(`records({ source: 'sqs' }) alone, from ${recordsSqs?.entry ?? '@lambdaware/records/sqs'} <= 20 KB`, recordsSqs?.kb, 20, 'KB', recordsSqs?.error);

  target('RSS at the end of the warm run <= 1.15 x raw', rssAtEnd(lw), times(1.15, rssAtEnd('raw')), 'MB', missing(lw, 'raw'));
  const soak = results.soak[lw];
  target(
    `soak: heap after GC grows <= ${SOAK_FLAT_MB} MB from the first sample to the last (${soak?.invocations ?? '?'} invocations)`,
    soak?.growthMB,
    soak === undefined ? undefined : SOAK_FLAT_MB,
    'MB',
    soak === undefined ? missing(lw) : `slope ${soak.slopeBytesPerInvocation.toFixed(2)} bytes per invocation`,
  );
  return targets;
};
