// npm run demo: every example, bundled with esbuild, run by `lambdaware invoke` on the real AWS Lambda runtime
// interface client, with a local Secrets Manager endpoint and a local Sentry ingest. Prints what CloudWatch would
// show, checks what must have happened, and exits 1 if anything did not.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(root, 'packages/cli/dist/bin.js');
const EXAMPLES = ['sqs-concat', 'api-echo', 'error-report', 'secret-config'];

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const failures = [];
const check = (ok, what) => {
  console.log(`  ${ok ? paint(32, '✔') : paint(31, '✘')} ${what}`);
  if (!ok) failures.push(what);
  return ok;
};

/** Runs `lambdaware invoke <args>`; prints its stderr (CloudWatch) and stdout (the response) as they are. */
const lambdawareInvoke = (args) =>
  new Promise((resolve, reject) => {
    console.log(paint(2, `$ lambdaware invoke ${args.map((a) => (/[\s"'{}[\]]/.test(a) ? `'${a}'` : a)).join(' ')}`));
    const child = spawn(process.execPath, [CLI, 'invoke', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      for (const line of stderr.split('\n').filter(Boolean)) console.log(`  ${paint(36, '│')} ${line}`);
      console.log(`  ${paint(33, '→')} ${stdout.trim()}  ${paint(2, `(exit ${code})`)}`);
      const lines = stderr.split('\n').filter(Boolean);
      const requestIds = lines.flatMap((l) => /^START RequestId: (\S+)/.exec(l)?.slice(1) ?? []);
      const json = lines.flatMap((l) => {
        const i = l.indexOf('{');
        try {
          return i === -1 ? [] : [JSON.parse(l.slice(i))];
        } catch {
          return [];
        }
      });
      let response;
      try {
        response = JSON.parse(stdout.trim().split('\n').at(-1) ?? '');
      } catch {
        response = undefined;
      }
      resolve({ code, stdout, stderr, lines, json, requestIds, response });
    });
  });

const section = (title) => console.log(`\n${paint(1, `━━ ${title}`)}`);

// 1. Bundles: each example's own bundle.mjs (esbuild, ESM, node22, @aws-sdk/* external, minified).
section('bundling the examples with esbuild');
for (const name of EXAMPLES) {
  const { bundle } = await import(join(root, 'examples', name, 'bundle.mjs'));
  console.log(`  ${name}: ${(await bundle()).slice(root.length)}`);
}

// 2. The local AWS parts.
const { startSecretsManager, startSentryIngest } = await import(join(root, 'packages/testkit/dist/index.js'));
const ingest = await startSentryIngest();
const sm = await startSecretsManager();
const TOKEN = `tok_demo_${Math.random().toString(16).slice(2, 14)}`;
const secretArn = sm.setSecret('demo/api-token', { token: TOKEN });
console.log(`  local Sentry ingest: ${ingest.dsn}`);
console.log(`  local Secrets Manager: ${sm.endpoint} (secret ${secretArn})`);
const tmp = await mkdtemp(join(tmpdir(), 'lambdaware-demo-'));
const eventFile = async (name, value) => {
  const file = join(tmp, name);
  await writeFile(file, JSON.stringify(value));
  return file;
};

try {
  // 3. sqs-concat
  section("sqs-concat: golambda's example, records decapsulated from an SQS batch");
  let r = await lambdawareInvoke(['examples/sqs-concat/dist/handler.mjs', '--event', 'sqs', '--payload', '[{"message":"blue"},{"message":"orange"}]']);
  check(r.code === 0 && r.response === 'blue:orange', 'the response is "blue:orange"');
  check(
    r.json.some((l) => l.joined === 'blue:orange' && l.function_request_id === r.requestIds[0]),
    'a JSON line with the request id of the invocation',
  );

  section('sqs-concat: a batch with one bad record, ReportBatchItemFailures');
  r = await lambdawareInvoke([
    'examples/sqs-concat/dist/handler.mjs#batchHandler',
    '--event',
    'sqs',
    '--payload',
    '[{"message":"blue"},"not json",{"message":"orange"}]',
    '--env',
    'LOG_LEVEL=debug',
  ]);
  check(r.code === 0 && r.response?.batchItemFailures?.length === 1, 'batchItemFailures names the one bad record');
  check(
    r.json
      .filter((l) => l.message === 'record')
      .map((l) => l.text)
      .join(':') === 'blue:orange',
    'each good record decapsulated and validated (DEBUG lines, LOG_LEVEL=debug)',
  );
  check(
    r.json.some((l) => l.level === 'WARN' && l.index === 1 && l.id === r.response?.batchItemFailures?.[0]?.itemIdentifier),
    'the bad record is logged with its index and message id',
  );

  // 4. api-echo
  section('api-echo: POST {id, val, flag} through an HTTP API (v2) event');
  r = await lambdawareInvoke(['examples/api-echo/dist/handler.mjs', '--event', 'apigw-v2', '--payload', '{"id":"a-1","val":42,"flag":true}']);
  check(r.response?.statusCode === 200 && r.response.body === '{"id":"a-1","val":42,"flag":true}', '200 with the body echoed');
  section('api-echo: a bad body through a Function URL event');
  r = await lambdawareInvoke(['examples/api-echo/dist/handler.mjs', '--event', 'url', '--payload', '{"id":1,"flag":"yes"}']);
  check(
    r.code === 0 && r.response?.statusCode === 400 && /id: .*val: .*flag: /.test(JSON.parse(r.response.body).message),
    '400 naming the fields id, val and flag (a response, not a function error)',
  );

  // 5. error-report
  section('error-report: a failure with values, stack frames and its Sentry event id');
  r = await lambdawareInvoke([
    'examples/error-report/dist/handler.mjs',
    '--event',
    await eventFile('charge.json', { orderId: 'o-1001', amount: 42.5 }),
    '--env',
    `SENTRY_DSN=${ingest.dsn}`,
    '--env',
    'NODE_OPTIONS=--enable-source-maps',
    '--env',
    'POWERTOOLS_SERVICE_NAME=error-report',
  ]);
  check(
    r.code === 1 && r.response?.errorType === 'LambdaError' && Array.isArray(r.response.trace),
    'the invocation failed with {errorType: "LambdaError", errorMessage, trace}',
  );
  const errorLines = r.json.filter((l) => l.level === 'ERROR');
  const eventId = errorLines[0]?.error?.sentryEventID;
  check(errorLines.length === 1, 'exactly one error line');
  check(errorLines[0]?.function_request_id === r.requestIds[0], 'the error line carries the request id');
  check(errorLines[0]?.error?.values?.declineCode === 'insufficient_funds', 'the error line carries the values of the cause chain');
  check(/src\/handler\.ts$/.test(errorLines[0]?.error?.stacktrace?.[0]?.file ?? ''), 'its frames point at src/handler.ts (source maps)');
  if (check(typeof eventId === 'string', `the error line carries the Sentry event id ${eventId}`)) {
    const received = await ingest.waitForEvent(5000, (e) => e.event_id === eventId).catch(() => undefined);
    if (check(received !== undefined, 'the local Sentry ingest received that event')) console.log(`  sentry ingest received event ${received.event_id}`);
  }

  section('error-report: a slow provider, aborted by Middy 500 ms before a 1.5 s deadline');
  r = await lambdawareInvoke([
    'examples/error-report/dist/handler.mjs',
    '--event',
    await eventFile('slow.json', { delayMs: 5000 }),
    '--timeout',
    '1.5',
    '--env',
    `SENTRY_DSN=${ingest.dsn}`,
  ]);
  const timeoutLine = r.json.find((l) => l.level === 'ERROR');
  check(r.code === 1 && r.response?.errorType === 'TimeoutError', 'the invocation failed with a TimeoutError before the deadline');
  if (
    check(
      typeof timeoutLine?.error?.sentryEventID === 'string' && timeoutLine.function_request_id === r.requestIds[0],
      'one error line with its request id and Sentry event id',
    )
  ) {
    const received = await ingest.waitForEvent(5000, (e) => e.event_id === timeoutLine.error.sentryEventID).catch(() => undefined);
    if (check(received !== undefined, 'the local Sentry ingest received that event')) console.log(`  sentry ingest received event ${received.event_id}`);
  }

  section('error-report: CPU-bound work blocking the event loop past a 1 s timeout');
  r = await lambdawareInvoke(['examples/error-report/dist/handler.mjs', '--event', await eventFile('spin.json', { spinMs: 4000 }), '--timeout', '1']);
  check(
    r.code === 2 && /Task timed out after 1\.00 seconds/.test(r.response?.errorMessage ?? ''),
    'Lambda stops it: Task timed out after 1.00 seconds (exit 2)',
  );
  check(
    r.lines.some((l) => l.endsWith(`${r.requestIds[0]} Task timed out after 1.00 seconds`)),
    'the platform line says so, with the request id',
  );

  // 6. secret-config
  section('secret-config: a token bound from Secrets Manager, used, never shown');
  const payload = { orderId: 'o-1001', total: 42.5 };
  r = await lambdawareInvoke([
    'examples/secret-config/dist/handler.mjs',
    '--event',
    await eventFile('sign.json', { payload }),
    '--env',
    `SECRET_ARN=${secretArn}`,
    ...Object.entries(sm.env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
  ]);
  const expected = createHmac('sha256', TOKEN).update(JSON.stringify(payload)).digest('hex');
  check(r.code === 0 && r.response?.signature === expected, 'the payload was signed with the token (HMAC checked here with the real token)');
  check(
    r.json.some((l) => l.authorization === 'Bearer ****'),
    'the line that logs the token shows Bearer ****',
  );
  check(!(r.stdout + r.stderr).includes(TOKEN), 'the token appears nowhere in the output');
  check(sm.callsOf('GetSecretValue').length === 1, 'one GetSecretValue call reached the local Secrets Manager');
} finally {
  await ingest.close();
  await sm.close();
  await rm(tmp, { recursive: true, force: true });
}

section(failures.length === 0 ? paint(32, 'demo: everything expected happened') : paint(31, `demo: ${failures.length} expectation(s) not met`));
for (const f of failures) console.log(`  ✘ ${f}`);
process.exit(failures.length === 0 ? 0 : 1);
