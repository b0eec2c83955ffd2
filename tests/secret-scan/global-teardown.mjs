// jest `globalTeardown` of the whole-run secret scan (README.md here): finds every secret registered anywhere in
// the run in every byte teed from stdout/stderr and every envelope the local Sentry ingest received, prints one
// summary line, and fails the run when any is found (naming where, with the secret masked).
import { rmSync } from 'node:fs';
import { scanDirectory } from './scan.ts';
import { allowlist } from './allowlist.ts';

export default async function secretScanTeardown(globalConfig) {
  const dir = process.env.LAMBDAWARE_SCAN_DIR;
  if (!dir) return;
  const started = performance.now();
  const r = scanDirectory(dir, globalConfig.rootDir, allowlist);
  const ms = performance.now() - started;
  const line =
    `secret-scan: ${r.secrets} secrets registered across the run (${r.wholeSecrets} whole-value), ${r.outputBytes} bytes of output and ` +
    `${r.envelopes} envelopes scanned, ${r.findings.length} found, ${r.maskedLines} lines holding **** parsed as JSON` +
    ` (${r.allowed} allowlisted findings, ${r.excluded} fuzzed registrations not counted as secrets, ` +
    `${r.outputFiles} output files, scan ${(ms / 1000).toFixed(1)} s)`;
  process.stderr.write(`\n${line}\n`);
  if (r.findings.length > 0) {
    const shown = r.findings.slice(0, 20).map((f) => `  - in ${f.where} (a secret registered by ${f.registeredIn}): ${f.excerpt}`);
    if (r.findings.length > shown.length) shown.push(`  ... and ${r.findings.length - shown.length} more`);
    throw new Error(
      `secret-scan: ${r.findings.length} secret value(s) written to stdout/stderr or sent to Sentry (scan directory kept: ${dir}):\n${shown.join('\n')}`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
}
