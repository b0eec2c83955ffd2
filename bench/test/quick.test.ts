// Smoke test of the benchmark suite: `npm run bench -- --quick` runs every step (bundles, verification of each
// stack's workload, warm rounds, cold starts, table, targets) with few repetitions. It asserts that the suite works
// and measured every stack, not what the numbers are: benchmarks are never timed tests.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from '@jest/globals';

const run = fileURLToPath(new URL('../run.js', import.meta.url));
const STACKS = ['raw', 'middy-official', 'powertools-first', 'lambdaware'];
const dir = mkdtempSync(join(tmpdir(), 'lw-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

const runQuick = (args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [run, ...args], { timeout: 110_000, maxBuffer: 16 * 2 ** 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });

describe('npm run bench -- --quick', () => {
  test('verifies and measures every stack, prints the table and a PASS/MISS per target', async () => {
    const json = join(dir, 'quick.json');
    const { code, stdout, stderr } = await runQuick(['--quick', `--json=${json}`]);
    expect({ code, stderr: stderr.slice(-2000) }).toEqual({ code: 0, stderr: expect.any(String) });
    for (const s of STACKS) expect(stdout).toContain(`${s}: verified`);
    expect(stdout).not.toContain('LEFT OUT');

    const results = JSON.parse(readFileSync(json, 'utf8'));
    expect(results.quick).toBe(true);
    expect(results.excluded).toEqual({});
    expect(results.warmProblems).toEqual([]);
    for (const s of STACKS) {
      for (const kind of ['success', 'error']) {
        const w = results.warm[s][kind];
        expect(w.invocations).toBe(results.params.rounds * results.params[kind === 'success' ? 'successPerRound' : 'errorPerRound']);
        for (const k of ['meanUs', 'p50Us', 'p99Us', 'cpuUs']) {
          const v: Summary = w[k];
          expect(v.min).toBeGreaterThan(0);
          expect(v.min).toBeLessThanOrEqual(v.median);
          expect(v.median).toBeLessThanOrEqual(v.max);
        }
      }
      for (const mode of ['node_modules', 'sdk-external', 'all-bundled']) {
        const c = results.cold[s][mode];
        expect(c.runs).toBe(results.params.cold);
        // the whole process takes longer than its import, init and first invocation
        expect(c.wallMs.median).toBeGreaterThan(c.importMs.median + c.initMs.median + c.firstMs.median);
        expect(c.maxRssMB.median).toBeGreaterThan(10);
      }
      // all bundled includes the AWS SDK: larger than with the SDK external
      expect(results.bundles[s]['all-bundled'].kb).toBeGreaterThan(results.bundles[s]['sdk-external'].kb);
    }
    expect(results.targets.map((t: { name: string }) => t.name)).toHaveLength(8);
    for (const t of results.targets) expect(stdout).toMatch(new RegExp(`(PASS|MISS)  ${t.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  }, 120_000);

  test('refuses an unknown argument and an unknown stack, naming it', async () => {
    const a = await runQuick(['--quik']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('unknown argument(s) --quik');
    const b = await runQuick(['--quick', '--stacks=raw,midy']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('unknown stack "midy"');
  });
});
