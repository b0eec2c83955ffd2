// jest `globalSetup` of the whole-run secret scan (README.md here): a fresh scan directory, named in
// LAMBDAWARE_SCAN_DIR (the workers, forked after this, inherit it), and the tee on the jest main process's own
// stdout/stderr (test results, console output the workers send back, failure messages, the summary).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { teeProcessOutput } from './tee.ts';

export default async function secretScanSetup() {
  const dir = mkdtempSync(join(tmpdir(), 'lambdaware-secret-scan-'));
  process.env.LAMBDAWARE_SCAN_DIR = dir;
  globalThis[Symbol.for('lambdaware.secret-scan.started')] = performance.now();
  teeProcessOutput(dir, globalThis);
}
