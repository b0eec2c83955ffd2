// jest `setupFiles` entry of the whole-run secret scan (tests/secret-scan/README.md): runs in every test file's
// environment, in every jest worker. Tees every chunk written to process.stdout / process.stderr (passed on to the
// terminal or swallowed by a test's capture alike) to a file per test file under $LAMBDAWARE_SCAN_DIR, and records
// every value registered in @lambdaware/shared's redaction registry of this environment.
import { REGISTRY, recordEnvelope, recordRegistry, teeProcessOutput } from './tee.js';

const dir = process.env.LAMBDAWARE_SCAN_DIR;

if (dir) {
  const state = teeProcessOutput(dir, globalThis);
  // The registry is created lazily by @lambdaware/shared (`globalThis[Symbol.for('lambdaware.redaction')]`): the
  // packages' modules are evaluated in this environment's vm context, so their globalThis is this one. An accessor
  // records each registry put there, and every value added to it from then on.
  // packages/testkit's Sentry ingest (evaluated in this environment too) hands every envelope it receives to this.
  (globalThis as unknown as Record<symbol, unknown>)[Symbol.for('lambdaware.secret-scan.envelope')] = (body: Uint8Array) => recordEnvelope(state, dir, body);
  const g = globalThis as unknown as Record<symbol, unknown>;
  let registry = g[REGISTRY] as { values?: Set<string>; whole?: Set<string>; numbers?: Set<string> } | undefined;
  recordRegistry(registry, state, dir);
  Object.defineProperty(globalThis, REGISTRY, {
    configurable: true,
    enumerable: false,
    get: () => registry,
    set: (r: { values?: Set<string>; whole?: Set<string>; numbers?: Set<string> } | undefined) => {
      registry = r;
      recordRegistry(r, state, dir);
    },
  });
}
