// The tee of the whole-run secret scan (tests/secret-scan/README.md), shared by the jest workers (tee-output.ts,
// a `setupFiles` entry) and the jest main process (global-setup.mjs, which loads this file through Node's type
// stripping: keep to erasable TypeScript).
import { closeSync, openSync, writeSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';

export const REGISTRY = Symbol.for('lambdaware.redaction');
/** Kept on the real stream objects (shared by every test file a worker runs), so the tee is installed once. */
export const TEE = Symbol.for('lambdaware.secret-scan.tee');

type Write = (...args: unknown[]) => boolean;
export interface TeeState {
  /** The global of the test environment that runs now (its `expect` knows the test path). */
  global: typeof globalThis;
  depth: number;
  outputs: Map<string, number>;
  secrets: Set<string>;
}

/** The test file running now (jest sets `expect`'s state before the file is evaluated). */
export const currentTestPath = (state: TeeState): string => {
  const expect = (state.global as unknown as { expect?: { getState?: () => { testPath?: string } } }).expect;
  return expect?.getState?.().testPath ?? '(no test file: jest itself)';
};

const outputFd = (state: TeeState, scanDir: string): number => {
  const testPath = currentTestPath(state);
  let fd = state.outputs.get(testPath);
  if (fd === undefined) {
    const name = `out-${process.pid}-${state.outputs.size}.out`;
    appendFileSync(join(scanDir, `index-${process.pid}.jsonl`), `${JSON.stringify({ out: name, file: testPath })}\n`);
    fd = openSync(join(scanDir, name), 'a');
    state.outputs.set(testPath, fd);
  }
  return fd;
};

const toBuffer = (chunk: unknown, encoding: unknown): Buffer =>
  typeof chunk === 'string'
    ? Buffer.from(chunk, typeof encoding === 'string' && Buffer.isEncoding(encoding) ? encoding : 'utf8')
    : Buffer.from(chunk as Uint8Array);

/**
 * Makes `stream.write` an accessor: reading it gives a function that records the chunk and calls whatever function
 * was last assigned (the stream's own write, or a test's capture hook); assigning it replaces that function. A
 * test that saves `write` and puts it back later gets its saved function back (each inner function has one
 * wrapper). Writes made from inside another teed write (a hook passing a chunk on) are recorded once.
 */
export const installTee = (stream: NodeJS.WriteStream, state: TeeState, scanDir: string): void => {
  const wrappers = new WeakMap<Write, Write>();
  const inners = new WeakMap<Write, Write>();
  const wrap = (inner: Write): Write => {
    let w = wrappers.get(inner);
    if (w === undefined) {
      w = function write(this: unknown, ...args: unknown[]): boolean {
        if (state.depth === 0 && args[0] != null) {
          try {
            writeSync(outputFd(state, scanDir), toBuffer(args[0], args[1]));
          } catch {
            // never break a test's output over the scan; a missing file is reported by the teardown's counts
          }
        }
        state.depth++;
        try {
          return inner.apply(this, args);
        } finally {
          state.depth--;
        }
      };
      wrappers.set(inner, w);
      inners.set(w, inner);
    }
    return w;
  };
  let inner = stream.write as unknown as Write;
  Object.defineProperty(stream, 'write', {
    configurable: true,
    enumerable: true,
    get: () => wrap(inner),
    set: (fn: Write) => {
      inner = inners.get(fn) ?? fn;
    },
  });
};

/**
 * Records every value added to the registry's sets (whatever a test later clears), once per process: `values` (text
 * secrets, searched for anywhere), `whole` (whole-value secrets, searched for as whole JSON string values) and
 * `numbers` (number secrets: as whole JSON numbers or strings).
 */
export const recordRegistry = (
  registry: { values?: Set<string>; whole?: Set<string>; numbers?: Set<string> } | undefined,
  state: TeeState,
  scanDir: string,
): void => {
  const hook = (set: Set<string> | undefined, kind: 'text' | 'whole' | 'number'): void => {
    if (!(set instanceof Object) || typeof set.add !== 'function') return;
    const record = (value: unknown): void => {
      const id = `${kind}:${String(value)}`;
      if (typeof value !== 'string' || state.secrets.has(id)) return;
      state.secrets.add(id);
      const extra = kind === 'whole' ? { whole: true } : kind === 'number' ? { whole: true, number: true } : {};
      appendFileSync(join(scanDir, `secrets-${process.pid}.jsonl`), `${JSON.stringify({ file: currentTestPath(state), secret: value, ...extra })}\n`);
    };
    for (const v of set) record(v);
    const add = set.add;
    Object.defineProperty(set, 'add', {
      configurable: true,
      writable: true,
      value(this: Set<string>, value: string) {
        record(value);
        return add.call(this, value);
      },
    });
  };
  hook(registry?.values, 'text');
  hook(registry?.whole, 'whole');
  hook(registry?.numbers, 'number');
};

/** Appends an envelope the Sentry ingest received to `envelopes-<pid>.bin`: `envelope <length> <test path as JSON>\n<bytes>\n`. */
export const recordEnvelope = (state: TeeState, scanDir: string, body: Uint8Array): void => {
  const head = Buffer.from(`envelope ${body.length} ${JSON.stringify(currentTestPath(state))}\n`);
  appendFileSync(join(scanDir, `envelopes-${process.pid}.bin`), Buffer.concat([head, body, Buffer.from('\n')]));
};

/**
 * Installs the tee on process.stdout and process.stderr of this process once (the state is kept on the stream
 * object, which every test environment of a worker shares) and returns its state; `global` is the global whose
 * `expect` names the test file running now.
 */
export const teeProcessOutput = (scanDir: string, global: typeof globalThis): TeeState => {
  const stdout = process.stdout as NodeJS.WriteStream & { [TEE]?: TeeState };
  let state = stdout[TEE];
  if (state === undefined) {
    const created: TeeState = { global, depth: 0, outputs: new Map(), secrets: new Set() };
    stdout[TEE] = created;
    installTee(process.stdout, created, scanDir);
    installTee(process.stderr, created, scanDir);
    process.once('exit', () => {
      for (const fd of created.outputs.values()) closeSync(fd);
    });
    state = created;
  }
  state.global = global;
  return state;
};
