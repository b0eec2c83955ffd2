import { parseArgs } from 'node:util';
import { isOptionsError, thrownMessage } from '@lambdaware/shared';
import { InvokeUsageError } from './errors.js';
import { EVENT_NAMES, loadEvent } from './events.js';
import { EXIT_CODES, invoke, type ExitCode } from './invoke.js';

export const USAGE = `Usage: lambdaware invoke <handler-module>[#export] [options]

Runs the handler as AWS Lambda does (Runtime API + the real aws-lambda-ric) and prints what CloudWatch would
show on stderr, then the response (or the error) as JSON on stdout. <handler-module> is a .js, .mjs or .cjs
file, or a .ts/.mts/.cts/.tsx file (bundled on the fly with esbuild, with source maps).

Options:
  -e, --event <file.json|name|->  The event: a JSON file (- for stdin), or one of
                                  ${EVENT_NAMES.join(', ')}.
                                  Repeat it to invoke several events in one warm environment. Default: {}
  -p, --payload <JSON>            Payload of a named event (an array gives several records; the body of HTTP events).
                                  One --payload goes with every --event; several pair one to one, in order
                                  (the i-th --payload with the i-th --event)
  -c, --concurrency <n>           Run the events as Lambda Managed Instances do: aws-lambda-ric in
                                  multi-concurrent mode (AWS_LAMBDA_MAX_CONCURRENCY=n), up to n in flight at once
      --repeat <n>                Invoke the list of events n times (e.g. with --concurrency). Default 1
  -t, --timeout <seconds>         Function timeout, 1-900. Default 3
  -m, --memory <MB>               Memory size, 128-10240. Default 128
      --env <KEY=VALUE>           A function environment variable (repeatable)
      --inherit-env               Also pass this shell's environment to the function
      --function-name <name>      Default lambdaware-local
      --region <region>           Default us-east-1
      --task-root <dir>           LAMBDA_TASK_ROOT. Default: the module's directory
      --layer <file.zip|dir>      A Lambda layer, mounted as Lambda does (/opt): the handler runs from a copy of
                                  its task root and imports packages from the layer's nodejs/node_modules
                                  (repeatable, in order; JavaScript handlers)
      --method <METHOD>           HTTP method of apigw-v1/apigw-v2/url events. Default POST
      --path <path>               Path (and ?query) of HTTP events. Default /
  -h, --help                      This help

Exit codes: 0 success, 1 function error, 2 timeout, 3 init error or usage error.
`;

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

function parseNumber(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new InvokeUsageError(`${option}: expected a number, got "${text}"`);
  return value;
}

function parseEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? '' : pair.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new InvokeUsageError(`--env "${pair}": expected KEY=VALUE with KEY a variable name`);
    }
    env[key] = pair.slice(eq + 1);
  }
  return env;
}

/** invoke()'s options that are flags of the command: their names on the command line. */
const FLAGS: Record<string, string> = { timeout: '--timeout', memory: '--memory', concurrency: '--concurrency', taskRoot: '--task-root', layers: '--layer' };

/** An option error of invoke() about one of the flags, said with the flag (`--timeout: expected ..., got ...`). */
function commandLineMessage(error: Error): string {
  if (!isOptionsError(error) || error.fn !== 'invoke' || FLAGS[error.option] === undefined) return error.message;
  return `${FLAGS[error.option]}: ${error.expected === undefined ? error.problem : `expected ${error.expected}, got ${error.given}`}`;
}

/** The values of parseArgs that make the events. */
interface CommandValues {
  event?: string[];
  payload?: string[];
  repeat?: string;
  method?: string;
  path?: string;
}

/** The events of `--event`/`--payload`/`--repeat` (undefined: none given, invoke() sends `{}` once). */
async function commandEvents(values: CommandValues): Promise<unknown[] | undefined> {
  const payloads = (values.payload ?? []).map((text, index) => {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      const which = values.payload!.length > 1 ? ` ${index + 1}` : '';
      throw new InvokeUsageError(`--payload${which}: not valid JSON (${thrownMessage(error)}): ${text.slice(0, 80)}`);
    }
  });
  const specs = values.event ?? [];
  if (payloads.length > 0 && specs.length === 0) {
    throw new InvokeUsageError(`--payload needs --event <name> (${EVENT_NAMES.join(', ')})`);
  }
  if (payloads.length > 1 && payloads.length !== specs.length) {
    throw new InvokeUsageError(
      `--payload is given ${payloads.length} times for ${specs.length} --event${specs.length === 1 ? '' : 's'} (${specs.join(', ')}): ` +
        `give one --payload per --event (the i-th --payload goes with the i-th --event), or a single --payload for all of them`,
    );
  }
  const http = { method: values.method, path: values.path };
  const events = [];
  for (const [index, spec] of specs.entries()) {
    const payload = payloads.length > 1 ? payloads[index] : payloads[0];
    try {
      events.push(await loadEvent(spec, payload, http));
    } catch (error) {
      if (error instanceof InvokeUsageError && payloads.length > 1) {
        throw new InvokeUsageError(`--event ${index + 1} ("${spec}") with --payload ${index + 1}: ${error.message}`, { cause: error });
      }
      throw error;
    }
  }
  const repeat = parseNumber('--repeat', values.repeat) ?? 1;
  if (!Number.isInteger(repeat) || repeat < 1) throw new InvokeUsageError(`--repeat: expected a whole number of times, 1 or more, got "${values.repeat}"`);
  const list = events.length > 0 ? events : [{}];
  const all = Array.from({ length: repeat }, () => list).flat();
  return all.length > 1 || events.length > 0 ? all : undefined;
}

/** Runs `lambdaware <args>`; returns the exit code. */
export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<ExitCode> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        event: { type: 'string', short: 'e', multiple: true },
        payload: { type: 'string', short: 'p', multiple: true },
        concurrency: { type: 'string', short: 'c' },
        repeat: { type: 'string' },
        timeout: { type: 'string', short: 't' },
        memory: { type: 'string', short: 'm' },
        env: { type: 'string', multiple: true },
        'inherit-env': { type: 'boolean' },
        'function-name': { type: 'string' },
        region: { type: 'string' },
        'task-root': { type: 'string' },
        layer: { type: 'string', multiple: true },
        method: { type: 'string' },
        path: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.stdout.write(USAGE);
      return EXIT_CODES.success;
    }
    const [command, handler, ...rest] = positionals;
    if (command !== 'invoke') {
      throw new InvokeUsageError(command === undefined ? 'missing command: invoke' : `unknown command "${command}" (the command is invoke)`);
    }
    if (handler === undefined) throw new InvokeUsageError('missing <handler-module>[#export], e.g. dist/index.js#handler');
    if (rest.length > 0) throw new InvokeUsageError(`unexpected argument "${rest[0]}"`);
    const all = await commandEvents(values);

    const result = await invoke({
      handler,
      events: all,
      concurrency: parseNumber('--concurrency', values.concurrency),
      timeout: parseNumber('--timeout', values.timeout),
      memory: parseNumber('--memory', values.memory),
      env: parseEnv(values.env ?? []),
      inheritEnv: values['inherit-env'],
      functionName: values['function-name'],
      region: values.region,
      taskRoot: values['task-root'],
      layers: values.layer,
      output: io.stderr,
    });
    if (result.concurrency) {
      const { max, peakInFlight, environments } = result.concurrency;
      const count = (status: string) => result.invocations.filter((i) => i.status === status).length;
      io.stderr.write(
        `lambdaware: ${result.invocations.length} invocations, up to ${peakInFlight} in flight at once (AWS_LAMBDA_MAX_CONCURRENCY=${max}), ` +
          `${environments} execution environment${environments === 1 ? '' : 's'}: ${count('success')} success, ${count('error')} error, ${count('timeout')} timeout, ${count('init-error')} init error\n`,
      );
    }
    for (const invocation of result.invocations) io.stdout.write(invocation.payload + '\n');
    return result.exitCode;
  } catch (error) {
    const known = error instanceof InvokeUsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
    if (!known) throw error;
    io.stderr.write(`lambdaware: ${commandLineMessage(error as Error)}\nRun "lambdaware --help" for usage.\n`);
    return EXIT_CODES.usageError;
  }
}
