// The ONE file that knows aws-lambda-ric beyond the Lambda Runtime API (which runtime-api.ts serves as documented).
// Its contract test (test/ric-adapter.contract.test.ts) reads the installed aws-lambda-ric and fails when it changes
// what this file relies on:
// 1. Its entry: the package's main module, run as the runtime process (`node <entry>`), as Lambda's bootstrap does.
// 2. The environment it reads at start: AWS_LAMBDA_RUNTIME_API, _HANDLER, LAMBDA_TASK_ROOT (documented for custom
//    runtimes), and two private ones: `_LAMBDA_TELEMETRY_LOG_FD` (the fd its console lines go to, as frames) and
//    `_LAMBDA_TELEMETRY_LOG_FD_PROVIDER_SOCKET` (multi-concurrent mode: a Unix socket each worker connects to and
//    writes its console lines to, one JSON line each).
// 3. `AWS_LAMBDA_MAX_CONCURRENCY` set at all switches it to its multi-concurrent mode (Lambda Managed Instances).
// 4. The telemetry frame (its TelemetryLogger): a 16-byte big-endian header (4 bytes type, 4 bytes length, 8 bytes
//    timestamp in µs) then the message; a multi-line message stays one frame, as in CloudWatch.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { HandlerLocation } from './handler.js';

/** The runtime process's entry module (aws-lambda-ric's main). */
export const RIC_ENTRY = createRequire(import.meta.url).resolve('aws-lambda-ric');

/** The fd the runtime's console lines come on (one-at-a-time mode): the child's fd 3, a pipe. */
export const TELEMETRY_FD = 3;

/** Lambda's Node bootstrap: GC exposed, a larger header limit, the heap sized from the memory setting. */
export function nodeArguments(memory: number, execArgv: string[]): string[] {
  return ['--expose-gc', '--max-http-header-size=81920', `--max-old-space-size=${Math.floor(memory * 0.9)}`, ...execArgv];
}

/** The variables the runtime reads to find the Runtime API and the handler. */
export const runtimeVariables = (location: HandlerLocation, address: string): Record<string, string> => ({
  LAMBDA_TASK_ROOT: location.taskRoot,
  LAMBDA_RUNTIME_DIR: dirname(RIC_ENTRY),
  _HANDLER: location.handler,
  AWS_LAMBDA_RUNTIME_API: address,
});

/** One invocation at a time: console lines as telemetry frames on TELEMETRY_FD. */
export const singleModeVariables = (): Record<string, string> => ({ _LAMBDA_TELEMETRY_LOG_FD: String(TELEMETRY_FD) });

/** The multi-concurrent mode of Managed Instances: `max` in flight, console lines as JSON lines on a Unix socket. */
export const multiModeVariables = (max: number, socketPath: string): Record<string, string> => ({
  AWS_LAMBDA_MAX_CONCURRENCY: String(max),
  _LAMBDA_TELEMETRY_LOG_FD_PROVIDER_SOCKET: socketPath,
});

const HEADER = 16;

/** Reads the runtime's telemetry frames (see 4. above) from the pipe, handing each message over. */
export class TelemetryFrames {
  #buffer: Buffer = Buffer.alloc(0);
  constructor(private readonly onMessage: (message: string, timestampUs: bigint) => void) {}

  push(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    while (this.#buffer.length >= HEADER) {
      const length = this.#buffer.readInt32BE(4);
      if (this.#buffer.length < HEADER + length) return;
      const timestamp = this.#buffer.readBigInt64BE(8);
      const message = this.#buffer.subarray(HEADER, HEADER + length).toString('utf8');
      this.#buffer = this.#buffer.subarray(HEADER + length);
      this.onMessage(message.endsWith('\n') ? message.slice(0, -1) : message, timestamp);
    }
  }
}
