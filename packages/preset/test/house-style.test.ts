// The house style every lambdaware middleware follows (CONTRIBUTING.md): a `name`, hooks named
// `<name>Before` / `<name>After` / `<name>OnError`, and option mistakes thrown as the shared OptionsError.
import { describe, expect, it } from '@jest/globals';
import { OptionsError } from '@lambdaware/shared';
import { logContext, LoggerOptionsError } from '@lambdaware/logger';
import { records, RecordsOptionError } from '@lambdaware/records';
import { secrets, SecretsError } from '@lambdaware/secrets';
import { lambdaware, LambdawareOptionError } from '@lambdaware/preset';
import { sqsEvent, EventBuildError } from '@lambdaware/events';

const HOOKS = { before: 'Before', after: 'After', onError: 'OnError' } as const;

describe('every middleware of logger, secrets and records', () => {
  const middlewares = [logContext(), secrets({ fetch: { a: 'x' }, prefetch: false }), records(), records({ eachRecord: () => undefined })];
  it.each(middlewares.map((m) => [m.name, m]))('%s has a name and hooks named after it', (_, m) => {
    expect(typeof m.name).toBe('string');
    for (const [hook, suffix] of Object.entries(HOOKS)) {
      const fn = (m as Record<string, unknown>)[hook];
      if (fn !== undefined) expect((fn as { name: string }).name).toBe(`${m.name}${suffix}`);
    }
  });
});

describe('the same option mistake gives the same kind of error in every package', () => {
  const thrown = (fn: () => unknown): Error & { option?: string; expected?: string; given?: string } => {
    try {
      fn();
    } catch (e) {
      return e as Error;
    }
    throw new Error('did not throw');
  };
  it.each([
    ['records', () => records({ concurrency: 'x' } as never), RecordsOptionError, 'concurrency'],
    ['logContext', () => logContext({ logEvent: 'x' } as never), LoggerOptionsError, 'logEvent'],
    ['secrets', () => secrets({ fetch: { a: 'x' }, prefetch: 'x' } as never), SecretsError, 'prefetch'],
    ['lambdaware', () => lambdaware({ records: 'x' } as never), LambdawareOptionError, 'records'],
    ['sqsEvent', () => sqsEvent('m', { fifo: 'x' } as never), EventBuildError, 'fifo'],
  ] as const)('%s', (fn, call, own, option) => {
    const error = thrown(call);
    expect(error).toBeInstanceOf(own);
    expect(error).toBeInstanceOf(OptionsError);
    expect(error).toMatchObject({ option, given: '"x"' });
    expect(error.message).toMatch(new RegExp(`^${fn}\\(\\): option "${option}" must be .+, got "x"$`));
  });
  it('an unknown option', () => {
    for (const call of [
      () => records({ sorce: 'sqs' } as never),
      () => logContext({ sorce: 1 } as never),
      () => secrets({ sorce: 1 } as never),
      () => lambdaware({ sorce: 1 } as never),
    ]) {
      const error = thrown(call);
      expect(error).toBeInstanceOf(OptionsError);
      expect(error.message).toMatch(/^\w+\(\): option "sorce" is not an option of \w+\(\) \(options: /);
    }
  });
});
