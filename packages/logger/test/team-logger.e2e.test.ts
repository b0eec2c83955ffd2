// End to end through the real Lambda runtime client (aws-lambda-ric, via @lambdaware/cli's invoke()) and the real
// Powertools Logger: a team's own Logger given to logContext(), beside injectLambdaContext, in one warm environment.
import { expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { invoke } from '@lambdaware/cli';

const cwd = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** The logger's JSON lines among the function's lines (not the runtime's own `Invoke Error` line). */
const jsonLines = (lines: string[]): Record<string, unknown>[] =>
  lines.flatMap((l) => {
    const start = l.indexOf('{');
    if (start === -1) return [];
    try {
      const line = JSON.parse(l.slice(start)) as Record<string, unknown>;
      return 'level' in line ? [line] : [];
    } catch {
      return [];
    }
  });

it("request id on every line, no key leaks, LOG_LEVEL, masking and depth limit with the team's Logger", async () => {
  let deep: Record<string, unknown> = { leaf: 1 };
  for (let i = 0; i < 3000; i++) deep = { d: deep };
  const token = 'tok-team-e2e-7f3a9c';
  const result = await invoke({
    handler: 'team-logger-handler.mjs#handler',
    cwd,
    env: { LOG_LEVEL: 'DEBUG' },
    events: [{ token }, { token, fail: true }, { token, deep }],
  });
  expect(result.invocations.map((r) => r.status)).toEqual(['success', 'error', 'success']);
  for (const r of result.invocations) {
    const lines = jsonLines(r.functionLines);
    expect(lines.map((l) => l.message)).toEqual(['Lambda invocation event', 'debug line', 'charging', 'from the sink']);
    for (const l of lines) {
      expect(l).toMatchObject({ function_request_id: r.requestId, service: 'team-e2e', team: 'checkout' });
      expect(JSON.stringify(l)).not.toContain(token);
    }
    expect(lines[2].token).toBe('****');
  }
  const [first, second, third] = result.invocations.map((r) => jsonLines(r.functionLines));
  expect(first[2].firstOnly).toBe('yes');
  for (const l of [...second, ...third]) expect(l).not.toHaveProperty('firstOnly');
  expect(JSON.stringify(third[2].deep)).toContain('[Depth limit]');
}, 60_000);
