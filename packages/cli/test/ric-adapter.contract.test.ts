// The contract of src/ric-adapter.ts with the installed aws-lambda-ric: what the adapter relies on is read from the
// runtime's own code, so that an upgrade that renames a variable, drops the multi-concurrent switch or changes the
// telemetry frame fails here, by name, before the end-to-end tests fail in a way that is hard to read.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { RIC_ENTRY, TELEMETRY_FD, TelemetryFrames, multiModeVariables, runtimeVariables, singleModeVariables } from '../src/ric-adapter.js';

const source = readFileSync(RIC_ENTRY, 'utf8');
/** True when the runtime reads `process.env.NAME` (or `process.env["NAME"]`). */
const reads = (name: string): boolean => source.includes(`process.env.${name}`) || source.includes(`process.env["${name}"]`);

describe('aws-lambda-ric, as the adapter uses it', () => {
  it('its entry is the package main, a module the adapter runs with node', () => {
    const pkg = createRequire(import.meta.url)('aws-lambda-ric/package.json') as { main?: string; exports?: unknown; version: string };
    expect(RIC_ENTRY).toMatch(/aws-lambda-ric[\\/]index\.mjs$/);
    expect(pkg.version).toMatch(/^4\./);
    expect(source.startsWith('#!/usr/bin/env node')).toBe(true);
  });

  it('reads every variable the adapter sets', () => {
    const names = [
      ...Object.keys(
        runtimeVariables({ taskRoot: '/var/task', handler: 'index.handler', modulePath: '/var/task/index.mjs', exportName: 'handler' }, '127.0.0.1:9001'),
      ),
      ...Object.keys(singleModeVariables()),
      ...Object.keys(multiModeVariables(4, '/tmp/logs.sock')),
    ].filter((name) => name !== 'LAMBDA_RUNTIME_DIR'); // set as Lambda sets it; the runtime need not read it
    expect(names.filter((name) => !reads(name))).toEqual([]);
    expect(names).toEqual(
      expect.arrayContaining([
        'AWS_LAMBDA_RUNTIME_API',
        '_HANDLER',
        'LAMBDA_TASK_ROOT',
        '_LAMBDA_TELEMETRY_LOG_FD',
        '_LAMBDA_TELEMETRY_LOG_FD_PROVIDER_SOCKET',
        'AWS_LAMBDA_MAX_CONCURRENCY',
      ]),
    );
  });

  it('switches to multi-concurrent mode on AWS_LAMBDA_MAX_CONCURRENCY being set at all', () => {
    expect(source).toMatch(/process\.env\["AWS_LAMBDA_MAX_CONCURRENCY"\] !== void 0|"AWS_LAMBDA_MAX_CONCURRENCY" in process\.env/);
  });

  it('takes the telemetry fd as a number from _LAMBDA_TELEMETRY_LOG_FD (the adapter gives fd 3)', () => {
    expect(source).toMatch(/const raw = process\.env\["_LAMBDA_TELEMETRY_LOG_FD"\];[\s\S]{0,200}const fd = Number\(raw\)/);
    expect(TELEMETRY_FD).toBe(3);
  });

  it('frames each telemetry entry with the 16-byte header the adapter reads (type, length at 4, µs timestamp at 8)', () => {
    const constants = /var TELEMETRY = \{([\s\S]*?)\};/.exec(source)?.[1] ?? '';
    expect(constants).toMatch(/FRAME_HEADER_SIZE: 16\b/);
    expect(constants).toMatch(/LENGTH_OFFSET: 4\b/);
    expect(constants).toMatch(/TIMESTAMP_OFFSET: 8\b/);
    expect(source).toMatch(/writeInt32BE\(messageBuffer\.length, TELEMETRY\.LENGTH_OFFSET\)/);
    expect(source).toMatch(/writeBigInt64BE\(BigInt\(now\.valueOf\(\)\) \* 1000n, TELEMETRY\.TIMESTAMP_OFFSET\)/);
  });

  it('TelemetryFrames reads such frames, split anywhere, a multi-line message as one', () => {
    const frame = (message: string, us: bigint): Buffer => {
      const body = Buffer.from(message, 'utf8');
      const header = Buffer.alloc(16);
      header.writeUInt32BE(0xa55a0003, 0);
      header.writeInt32BE(body.length, 4);
      header.writeBigInt64BE(us, 8);
      return Buffer.concat([header, body]);
    };
    const got: [string, bigint][] = [];
    const frames = new TelemetryFrames((message, us) => got.push([message, us]));
    const bytes = Buffer.concat([frame('first line\nsecond line\n', 1n), frame('é', 2n)]);
    for (let i = 0; i < bytes.length; i += 5) frames.push(bytes.subarray(i, i + 5));
    expect(got).toEqual([
      ['first line\nsecond line', 1n],
      ['é', 2n],
    ]);
  });
});
