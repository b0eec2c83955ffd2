import { describe, expect, it } from '@jest/globals';
import { dynamodbStreamEvent, EventBuildError, eventBridgeEvent, kinesisEvent, s3Event, snsEvent, snsOverSqsEvent, sqsEvent } from '@lambdaware/events';
import { OptionsError } from '@lambdaware/shared';

/** The error a call throws (the test fails when it does not throw). */
const thrown = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('did not throw');
};

const unprintable = (): unknown[] => [42, 1n, true, {}, Object.create(null), { toString: undefined }, ['q'], () => 'q', Symbol('q')];

describe('string options of every builder are checked before use (EventBuildError naming the option)', () => {
  const cases: [string, string, (value: unknown) => unknown][] = [
    ['snsOverSqsEvent', 'queueName', (v) => snsOverSqsEvent([], { queueName: v as string })],
    ['snsOverSqsEvent', 'queueName', (v) => snsOverSqsEvent([{ a: 1 }], { queueName: v as string, raw: true })],
    ['sqsEvent', 'queueName', (v) => sqsEvent([], { queueName: v as string })],
    ['sqsEvent', 'messageGroupId', (v) => sqsEvent([], { fifo: true, messageGroupId: v as string })],
    ['snsEvent', 'topicName', (v) => snsEvent([], { topicName: v as string })],
    ['snsEvent', 'subject', (v) => snsEvent([], { subject: v as string })],
    ['kinesisEvent', 'streamName', (v) => kinesisEvent([], { streamName: v as string })],
    ['kinesisEvent', 'shardId', (v) => kinesisEvent([], { shardId: v as string })],
    ['dynamodbStreamEvent', 'tableName', (v) => dynamodbStreamEvent(undefined, { tableName: v as string })],
    ['s3Event', 'configurationId', (v) => s3Event(undefined, { configurationId: v as string })],
    ['sqsEvent', 'region', (v) => sqsEvent([], { region: v as string })],
    ['kinesisEvent', 'accountId', (v) => kinesisEvent([], { accountId: v as string })],
  ];
  it.each(cases)('%s option %s', (builder, option, build) => {
    for (const value of unprintable()) {
      const error = thrown(() => build(value));
      expect(error).toBeInstanceOf(EventBuildError);
      expect(error.message).toContain(`${builder}(): option "${option}"`);
    }
  });

  it('a bad option is also the shared OptionsError, with the option, what was expected and what was given', () => {
    const error = thrown(() => sqsEvent('x', { receiveCount: 0 }));
    expect(error).toBeInstanceOf(EventBuildError);
    expect(error).toBeInstanceOf(OptionsError);
    expect(error).toMatchObject({
      name: 'EventBuildError',
      package: '@lambdaware/events',
      fn: 'sqsEvent',
      option: 'receiveCount',
      expected: 'an integer >= 1',
      given: '0',
    });
    // bad input that is not an option stays a plain EventBuildError
    const input = thrown(() => sqsEvent([undefined, undefined]));
    expect(input).toBeInstanceOf(EventBuildError);
    expect(input).not.toBeInstanceOf(OptionsError);
  });

  it('snsOverSqsEvent({ queueName: 42 }) names the option and the value (was a TypeError from queueName.endsWith)', () => {
    expect(thrown(() => snsOverSqsEvent([], { queueName: 42 as unknown as string })).message).toBe(
      'snsOverSqsEvent(): option "queueName" must be a non-empty string, got 42',
    );
    // a string queue name still decides FIFO, raw or not
    expect(snsOverSqsEvent([{ a: 1 }], { queueName: 'orders.fifo' }).Records[0]!.eventSourceARN).toMatch(/:orders\.fifo$/);
    expect(snsOverSqsEvent([{ a: 1 }], { queueName: 'orders.fifo', raw: true }).Records[0]!.attributes.MessageGroupId).toBeDefined();
  });
});

describe('SNS String.Array message attributes', () => {
  it('hold strings, finite numbers, booleans and null, as SNS does', () => {
    const [record] = snsEvent({ a: 1 }, { messageAttributes: { tags: ['x', 1, true, null] } }).Records;
    expect(record!.Sns.MessageAttributes.tags).toEqual({ Type: 'String.Array', Value: '["x",1,true,null]' });
  });

  it('anything else (BigInt, nested array, object, NaN, a hole) is an EventBuildError naming the attribute and index', () => {
    expect(thrown(() => snsEvent([], { messageAttributes: { a: [0n] as unknown as string[] } })).message).toBe(
      'snsEvent: message attribute "a" [0] is 0n; an SNS String.Array holds strings, finite numbers, booleans and null',
    );
    // eslint-disable-next-line no-sparse-arrays
    for (const list of [['ok', [1]], [{ a: 1 }], [NaN], ['x', , 'y'], [Object.create(null)]]) {
      const error = thrown(() => snsOverSqsEvent([], { messageAttributes: { list: list as unknown as string[] } }));
      expect(error).toBeInstanceOf(EventBuildError);
      expect(error.message).toMatch(/^snsOverSqsEvent: message attribute "list" \[\d\] is /);
    }
  });
});

describe('option "now" must be a time a Date can hold', () => {
  it('beyond the Date range (±8.64e15 ms) it is an EventBuildError naming "now", for every builder', () => {
    const builders: [string, (now: number) => unknown][] = [
      ['eventBridgeEvent', (now) => eventBridgeEvent({}, { now })],
      ['sqsEvent', (now) => sqsEvent([{}], { now })],
      ['snsEvent', (now) => snsEvent([{}], { now })],
      ['kinesisEvent', (now) => kinesisEvent([{}], { now })],
      ['dynamodbStreamEvent', (now) => dynamodbStreamEvent(undefined, { now })],
      ['s3Event', (now) => s3Event(undefined, { now })],
    ];
    for (const [name, build] of builders) {
      for (const now of [8.64e15 + 1000, -8.64e15 - 1, 8.64e15, Number.MAX_VALUE]) {
        const error = thrown(() => build(now));
        expect(error).toBeInstanceOf(EventBuildError);
        expect(error.message).toContain(`${name}(): option "now" must be a valid Date or epoch milliseconds within the Date range`);
      }
      // the edges of what is accepted still build valid timestamps
      expect(() => build(8.64e15 - 86_400_000)).not.toThrow();
      expect(() => build(-(8.64e15 - 86_400_000))).not.toThrow();
    }
    expect(eventBridgeEvent({}, { now: Date.UTC(2024, 0, 2, 3, 4, 5) }).time).toBe('2024-01-02T03:04:05Z');
  });
});
