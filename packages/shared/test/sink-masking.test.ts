// getLogSink()'s stderr fallback masks every registered secret in the line's JSON text (no value walk, so a bundle
// that only writes through the sink, like records' per-source entries, stays small), and the line stays JSON.
import { afterEach, describe, expect, it } from '@jest/globals';
import { REDACTED, clearSecrets, getLogSink, registerSecret, setLogSink } from '@lambdaware/shared';
import { captureOutput } from '@lambdaware/testkit';

afterEach(() => {
  clearSecrets();
  setLogSink(undefined);
});

const withoutTime = (line: Record<string, unknown>): Record<string, unknown> => ({ ...line, timestamp: undefined });

describe('getLogSink fallback', () => {
  it('writes every registered secret masked (text, escaped, whole value, in an error) and the line stays JSON', async () => {
    registerSecret('pa55word!');
    registerSecret('p"w\\d-9');
    registerSecret(5432);
    const fields = { id: 'r1', port: 5432, note: 'used pa55word! twice', detail: { pw: 'p"w\\d-9' }, error: new Error('login with pa55word! failed') };
    const light = await captureOutput(() => getLogSink().log('warn', 'saw pa55word!', fields));
    for (const secret of ['pa55word!', JSON.stringify('p"w\\d-9').slice(1, -1), '5432']) expect(light.stderr).not.toContain(secret);
    const [line] = light.stderrLines();
    expect(line).toMatchObject({
      level: 'WARN',
      message: `saw ${REDACTED}`,
      id: 'r1',
      port: REDACTED,
      note: `used ${REDACTED} twice`,
      detail: { pw: REDACTED },
    });
    expect((line!.error as { message: string }).message).toBe(`login with ${REDACTED} failed`);
    expect(Object.keys(withoutTime(line!))).toEqual(['level', 'message', 'timestamp', 'id', 'port', 'note', 'detail', 'error']);
  });

  it('is the installed sink when there is one', () => {
    const seen: string[] = [];
    setLogSink({ log: (_level, message) => void seen.push(message) });
    getLogSink().log('info', 'to the logger');
    expect(seen).toEqual(['to the logger']);
  });
});
