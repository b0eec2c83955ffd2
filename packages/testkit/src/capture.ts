/** Everything a piece of code wrote to stdout and stderr while it ran. */
export interface CapturedOutput {
  stdout: string;
  stderr: string;
  /** stdout split into lines, each JSON-parsed (a line that is not JSON fails the test loudly). */
  stdoutLines(): Record<string, unknown>[];
  stderrLines(): Record<string, unknown>[];
}

const parseLines = (text: string, stream: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new Error(`${stream} line is not JSON: ${l}`);
      }
    });

/**
 * Runs `fn` with process.stdout/stderr writes captured (not passed through), and returns what was written.
 * Works for console.*, Powertools Logger and direct stream writes, since all of them end in `write`.
 */
export const captureOutput = async <T>(fn: () => T | Promise<T>): Promise<CapturedOutput & { result?: T; error?: unknown }> => {
  const chunks = { stdout: [] as string[], stderr: [] as string[] };
  const originals = { stdout: process.stdout.write, stderr: process.stderr.write };
  const hook = (name: 'stdout' | 'stderr') =>
    function write(chunk: unknown, ...rest: unknown[]): boolean {
      chunks[name].push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    };
  process.stdout.write = hook('stdout') as typeof process.stdout.write;
  process.stderr.write = hook('stderr') as typeof process.stderr.write;
  let result: T | undefined;
  let error: unknown;
  try {
    result = await fn();
  } catch (e) {
    error = e;
  } finally {
    process.stdout.write = originals.stdout;
    process.stderr.write = originals.stderr;
  }
  const stdout = chunks.stdout.join('');
  const stderr = chunks.stderr.join('');
  return {
    stdout,
    stderr,
    result,
    error,
    stdoutLines: () => parseLines(stdout, 'stdout'),
    stderrLines: () => parseLines(stderr, 'stderr'),
  };
};
