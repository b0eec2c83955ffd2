import { parseArgs } from 'node:util';
import { InvokeUsageError } from './errors.js';
import { EVENT_NAMES, loadEvent } from './events.js';
import { EXIT_CODES, invoke, type ExitCode } from './invoke.js';

export const USAGE = `Usage: lambdaware invoke <handler-module>[#export] [options]

Runs the handler as AWS Lambda does (Runtime API + the real aws-lambda-ric) and prints what CloudWatch would
show on stderr, then the response (or the error) as JSON on stdout.

Options:
  -e, --event <file.json|name|->  The event: a JSON file (- for stdin), or one of
                                  ${EVENT_NAMES.join(', ')}.
                                  Repeat it to invoke several events in one warm environment. Default: {}
  -p, --payload <JSON>            Payload of a named event (an array gives several records; the body of HTTP events)
  -t, --timeout <seconds>         Function timeout, 1-900. Default 3
  -m, --memory <MB>               Memory size, 128-10240. Default 128
      --env <KEY=VALUE>           A function environment variable (repeatable)
      --inherit-env               Also pass this shell's environment to the function
      --function-name <name>      Default lambdaware-local
      --region <region>           Default us-east-1
      --task-root <dir>           LAMBDA_TASK_ROOT. Default: the module's directory
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

/** Runs `lambdaware <args>`; returns the exit code. */
export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<ExitCode> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        event: { type: 'string', short: 'e', multiple: true },
        payload: { type: 'string', short: 'p' },
        timeout: { type: 'string', short: 't' },
        memory: { type: 'string', short: 'm' },
        env: { type: 'string', multiple: true },
        'inherit-env': { type: 'boolean' },
        'function-name': { type: 'string' },
        region: { type: 'string' },
        'task-root': { type: 'string' },
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
    let payload: unknown;
    if (values.payload !== undefined) {
      try {
        payload = JSON.parse(values.payload);
      } catch (error) {
        throw new InvokeUsageError(`--payload: not valid JSON (${(error as Error).message}): ${values.payload.slice(0, 80)}`);
      }
    }
    const specs = values.event ?? [];
    if (payload !== undefined && specs.length === 0) {
      throw new InvokeUsageError(`--payload needs --event <name> (${EVENT_NAMES.join(', ')})`);
    }
    const http = { method: values.method, path: values.path };
    const events = [];
    for (const spec of specs) events.push(await loadEvent(spec, payload, http));

    const result = await invoke({
      handler,
      events: events.length > 0 ? events : undefined,
      timeout: parseNumber('--timeout', values.timeout),
      memory: parseNumber('--memory', values.memory),
      env: parseEnv(values.env ?? []),
      inheritEnv: values['inherit-env'],
      functionName: values['function-name'],
      region: values.region,
      taskRoot: values['task-root'],
      output: io.stderr,
    });
    for (const invocation of result.invocations) io.stdout.write(invocation.payload + '\n');
    return result.exitCode;
  } catch (error) {
    const known = error instanceof InvokeUsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
    if (!known) throw error;
    // invoke() names its options (timeout, memory); on the command line they are --timeout, --memory
    const message = (error as Error).message.replace(/^(timeout|memory):/, '--$1:');
    io.stderr.write(`lambdaware: ${message}\nRun "lambdaware --help" for usage.\n`);
    return EXIT_CODES.usageError;
  }
}
