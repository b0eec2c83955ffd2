#!/usr/bin/env node
// Soak mode of the reliability suite: runs tests/reliability with LAMBDAWARE_SOAK=1 (100,000 batches per source,
// 100,000 invocations, ... instead of the CI counts) and prints a table of property, count, result and time.
//
//   npm run soak                 # full soak counts (hours on a 2-core machine)
//   npm run soak -- --scale 0.1  # a tenth of the soak counts (never below the CI counts)
//   npm run soak -- nothing-lost # only the files matching a pattern
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let scale = '1';
const patterns = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--scale') scale = args[++i];
  else if (args[i].startsWith('--scale=')) scale = args[i].slice('--scale='.length);
  else patterns.push(args[i]);
}
if (!(Number(scale) > 0)) {
  console.error(`soak: --scale must be a number > 0, got ${scale}`);
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'lambdaware-soak-'));
const report = join(dir, 'report.jsonl');
const started = Date.now();
const jest = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    '--no-warnings=ExperimentalWarning',
    join(root, 'node_modules/jest/bin/jest.js'),
    '--testTimeout=86400000',
    ...(patterns.length > 0 ? patterns.map((p) => `tests/reliability/.*${p}`) : ['tests/reliability']),
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, LAMBDAWARE_SOAK: '1', LAMBDAWARE_SOAK_SCALE: scale, LAMBDAWARE_RELIABILITY_REPORT: report },
  },
);

const rows = existsSync(report)
  ? readFileSync(report, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
  : [];
rmSync(dir, { recursive: true, force: true });

const header = ['property', 'count', 'result', 'time'];
const table = rows.map((r) => [r.property, r.counts, r.result, `${(r.ms / 1000).toFixed(1)} s`]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(`\nsoak (scale ${scale}, Node ${process.version}, ${((Date.now() - started) / 1000).toFixed(0)} s in all; jest exit ${jest.status})`);
console.log(line(header));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const row of table) console.log(line(row));
process.exit(jest.status ?? 1);
