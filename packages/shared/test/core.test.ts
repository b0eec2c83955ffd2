import { describe, expect, test } from '@jest/globals';
import {
  MAX_LINE_BYTES,
  NO_CLOCK_MS,
  boundedWait,
  cutString,
  cutToBytes,
  deadlineIn,
  deadlineOf,
  fitJson,
  jsonBytes,
  remainingTimeOf,
  truncationMarker,
} from '@lambdaware/shared';

describe('size bound', () => {
  test('cutString keeps the start and says how many characters were left out, with the one marker', () => {
    expect(cutString('abcdef', 10)).toBe('abcdef');
    expect(cutString('abcdef', 2)).toBe(`ab${truncationMarker(4, 'characters')}`);
    expect(cutString('abcdef', 2)).toBe('ab…[truncated: 4 characters]');
  });
  test('cutString never splits a surrogate pair', () => {
    const out = cutString('a😀b', 2);
    expect(out.startsWith('a…')).toBe(true);
    expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
  test('cutToBytes fits the UTF-8 size, marker included', () => {
    const text = 'é'.repeat(100_000);
    const out = cutToBytes(text, 1000);
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(1000);
    expect(out).toContain(`…[truncated: ${Buffer.byteLength(text)} bytes]`);
    expect(cutToBytes('short', 1000)).toBe('short');
  });
  test('fitJson keeps a fitting value itself and cuts a large one to the budget', () => {
    const small = { a: 1 };
    expect(fitJson(small, 100, () => small).value).toBe(small);
    const big = { items: Array.from({ length: 5000 }, (_, i) => ({ i, text: 'x'.repeat(100) })) };
    const fitted = fitJson(big, 20_000, () => ({ items: [] }));
    expect(fitted.cut).toBe(true);
    expect(jsonBytes(fitted.value)).toBeLessThanOrEqual(20_000);
    expect((fitted.value as unknown as { itemsOmitted: number }).itemsOmitted).toBeGreaterThan(0);
    expect(fitted.value.items[0]).toEqual(big.items[0]);
  });
  test('the line bound is under CloudWatch Logs 256 KB', () => {
    expect(MAX_LINE_BYTES).toBeLessThan(256 * 1024);
  });
});

describe('deadline', () => {
  test('reads the remaining time once per context and keeps it', () => {
    let left = 5000;
    const context = { getRemainingTimeInMillis: () => left };
    const d = deadlineOf(context, 1_000);
    left = 10;
    expect(deadlineOf(context)).toBe(d);
    expect(d.known).toBe(true);
    expect(d.at).toBe(6_000);
  });
  test('one fallback when there is no clock, or it throws', () => {
    for (const context of [
      undefined,
      {},
      {
        getRemainingTimeInMillis: () => {
          throw new Error('x');
        },
      },
      { getRemainingTimeInMillis: () => NaN },
    ]) {
      const d = deadlineOf(context, 0);
      expect(d.known).toBe(false);
      expect(d.at).toBe(NO_CLOCK_MS);
      expect(d.source).toContain(`${NO_CLOCK_MS} ms`);
    }
    expect(remainingTimeOf({ getRemainingTimeInMillis: () => -5 })).toBe(0);
  });
  test('allow() gives a wait at most what it wants and never the time kept for what follows', () => {
    const d = deadlineIn(1000, 'test', 0);
    expect(d.allow(300, 0, 0)).toBe(300);
    expect(d.allow(5000, 200, 0)).toBe(800);
    expect(d.allow(5000, 200, 900)).toBe(0);
    expect(d.remaining(1500)).toBe(0);
  });
  test('boundedWait reports the time actually waited, settled or not', async () => {
    const slow = new Promise((r) => setTimeout(() => r('late'), 200));
    const first = await boundedWait(slow, 20);
    expect(first.settled).toBe(false);
    expect(first.waitedMs).toBeGreaterThanOrEqual(15);
    expect(first.waitedMs).toBeLessThan(200);
    const fast = await boundedWait(Promise.resolve(7), 1000);
    expect(fast).toMatchObject({ settled: true, ok: true, value: 7 });
    expect(fast.waitedMs).toBeLessThan(1000);
    const failed = await boundedWait(Promise.reject(new Error('no')), 1000);
    expect(failed).toMatchObject({ settled: true, ok: false });
  });
});
