import { afterEach, describe, expect, it } from '@jest/globals';
import { MAX_LINE_BYTES, REDACTED, clearSecrets, registerSecret, stderrSink } from '@lambdaware/shared';
import { captureOutput } from '@lambdaware/testkit';

// The stderr fallback sink (no @lambdaware/logger installed): one JSON line, its own keys true, bounded, never a throw.

afterEach(() => clearSecrets());

describe('stderrSink', () => {
  it('fields never replace the line’s level, message or timestamp (written as field_<key>)', async () => {
    const out = await captureOutput(() => stderrSink.log('warn', 'real', { level: 'DEBUG', message: 'forged', timestamp: 'then', ok: 1 }));
    const [line] = out.stderrLines();
    expect(line).toMatchObject({ level: 'WARN', message: 'real', field_level: 'DEBUG', field_message: 'forged', field_timestamp: 'then', ok: 1 });
    expect(line.timestamp).not.toBe('then');
  });

  it('masks, cuts the message at MAX_MESSAGE_CHARS and keeps the line under MAX_LINE_BYTES', async () => {
    registerSecret('tok-fallback-1a2b3c');
    const failures = Array.from({ length: 20_000 }, (_, i) => ({ i, reason: `bad tok-fallback-1a2b3c ${'x'.repeat(20)}` }));
    const out = await captureOutput(() => stderrSink.log('error', `m${'m'.repeat(20_000)}`, { failures }));
    expect(out.stderr).not.toContain('tok-fallback-1a2b3c');
    expect(Buffer.byteLength(out.stderr.trim())).toBeLessThanOrEqual(MAX_LINE_BYTES);
    const [line] = out.stderrLines();
    expect(line.message).toMatch(/^m{8192}…\[truncated: 11809 characters\]$/);
    expect((line.failures as { reason: string }[])[0].reason).toBe(`bad ${REDACTED} ${'x'.repeat(20)}`);
  });

  it('a field that throws when read (a revoked Proxy) does not lose the line', async () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const out = await captureOutput(() => stderrSink.log('error', 'still written', { bad: proxy, ok: 1 }));
    expect(out.error).toBeUndefined();
    expect(out.stderrLines()[0]).toMatchObject({ level: 'ERROR', message: 'still written' });
  });
});
