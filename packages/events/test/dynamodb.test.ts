import { describe, expect, it } from '@jest/globals';
import { dynamodbStreamEvent, marshallValue } from '@lambdaware/events';
import { keys, sample } from './samples.js';

describe('dynamodbStreamEvent', () => {
  it('has the keys of the real sample event (with and without a TTL userIdentity)', () => {
    const [withIdentity, plain] = sample('dynamodb-event.json').Records;
    const event = dynamodbStreamEvent([
      { keys: { key: 'binary' }, newImage: { val: 'data' }, ttl: true },
      { keys: { key: 'binary' }, newImage: { val: 'data' } },
    ]);
    expect(keys(event.Records[0]!)).toEqual(keys(withIdentity));
    expect(event.Records[0]!.userIdentity).toEqual(withIdentity.userIdentity);
    expect(keys(event.Records[1]!)).toEqual(keys(plain));
    expect(keys(event.Records[1]!.dynamodb!)).toEqual(keys(plain.dynamodb));
  });

  it('marshals plain values into attribute-value form', () => {
    expect(
      marshallValue(
        {
          s: 'text',
          n: 1.25,
          neg: -3,
          t: true,
          nothing: null,
          skipped: undefined,
          bytes: new Uint8Array([0, 1, 42, 65]),
          list: ['a', 1, [false]],
          map: { inner: { deep: 'x' } },
          ss: new Set(['a', 'b']),
          ns: new Set([1, 2n ** 70n]),
          bs: new Set([Buffer.from([1]), new Uint8Array([2])]),
          jsMap: new Map([['k', 'v']]),
        },
        'item',
      ),
    ).toEqual({
      M: {
        s: { S: 'text' },
        n: { N: '1.25' },
        neg: { N: '-3' },
        t: { BOOL: true },
        nothing: { NULL: true },
        bytes: { B: 'AAEqQQ==' },
        list: { L: [{ S: 'a' }, { N: '1' }, { L: [{ BOOL: false }] }] },
        map: { M: { inner: { M: { deep: { S: 'x' } } } } },
        ss: { SS: ['a', 'b'] },
        ns: { NS: ['1', '1180591620717411303424'] },
        bs: { BS: ['AQ==', 'Ag=='] },
        jsMap: { M: { k: { S: 'v' } } },
      },
    });
  });

  it('keeps a bigint beyond 2^53 exact', () => {
    const big = 2n ** 53n + 1n; // 9007199254740993, not representable as a double
    const event = dynamodbStreamEvent({ keys: { id: big }, newImage: { total: 123456789012345678901234567890n } });
    const { Keys, NewImage } = event.Records[0]!.dynamodb!;
    expect(Keys!.id).toEqual({ N: '9007199254740993' });
    expect(NewImage!.total).toEqual({ N: '123456789012345678901234567890' });
    expect(BigInt(Keys!.id!.N!)).toBe(big);
  });

  it('infers eventName from the images, and keeps an explicit one', () => {
    const event = dynamodbStreamEvent([
      { keys: { id: 1 }, newImage: { v: 1 } },
      { keys: { id: 1 }, newImage: { v: 2 }, oldImage: { v: 1 } },
      { keys: { id: 1 }, oldImage: { v: 2 } },
      { keys: { id: 1 }, eventName: 'REMOVE' },
      { keys: { id: 1 }, newImage: { v: 3 }, eventName: 'MODIFY' },
    ]);
    expect(event.Records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE', 'REMOVE', 'MODIFY']);
    const modify = event.Records[1]!.dynamodb!;
    expect(modify.NewImage).toEqual({ id: { N: '1' }, v: { N: '2' } });
    expect(modify.OldImage).toEqual({ id: { N: '1' }, v: { N: '1' } });
    expect(event.Records[0]!.dynamodb!.OldImage).toBeUndefined();
    expect(event.Records[2]!.dynamodb!.NewImage).toBeUndefined();
  });

  it('has StreamViewType, increasing SequenceNumbers, SizeBytes and ApproximateCreationDateTime', () => {
    const now = Date.UTC(2024, 5, 1, 0, 0, 0, 900);
    const event = dynamodbStreamEvent(
      [
        { keys: { id: 'a' }, newImage: { v: 'x'.repeat(100) } },
        { keys: { id: 'b' }, newImage: { v: 'y' } },
      ],
      { tableName: 'orders', region: 'eu-west-1', now },
    );
    const [a, b] = event.Records.map((r) => r.dynamodb!);
    expect(a!.StreamViewType).toBe('NEW_AND_OLD_IMAGES');
    expect(a!.ApproximateCreationDateTime).toBe(Math.floor(now / 1000));
    expect(BigInt(b!.SequenceNumber!) > BigInt(a!.SequenceNumber!)).toBe(true);
    expect(a!.SequenceNumber).toMatch(/^\d{21,40}$/);
    expect(a!.SizeBytes).toBeGreaterThan(100);
    expect(a!.SizeBytes).toBeGreaterThan(b!.SizeBytes!);
    expect(event.Records[0]!.eventSourceARN).toMatch(/^arn:aws:dynamodb:eu-west-1:123456789012:table\/orders\/stream\/\d{4}-\d\d-\d\dT/);
    expect(event.Records[0]!.eventID).toMatch(/^[0-9a-f]{32}$/);
    expect(event.Records[0]!.eventID).not.toBe(event.Records[1]!.eventID);
  });

  it('leaves out the images the stream view type does not carry', () => {
    const change = { keys: { id: 1 }, newImage: { v: 2 }, oldImage: { v: 1 } };
    const only = (view: 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE') => {
      const d = dynamodbStreamEvent(change, { streamViewType: view }).Records[0]!;
      return [d.eventName, keys(d.dynamodb!).filter((k) => k.endsWith('Image')), d.dynamodb!.StreamViewType];
    };
    expect(only('KEYS_ONLY')).toEqual(['MODIFY', [], 'KEYS_ONLY']);
    expect(only('NEW_IMAGE')).toEqual(['MODIFY', ['NewImage'], 'NEW_IMAGE']);
    expect(only('OLD_IMAGE')).toEqual(['MODIFY', ['OldImage'], 'OLD_IMAGE']);
  });

  it('applies overrides', () => {
    const event = dynamodbStreamEvent([{ keys: { id: 1 }, newImage: {} }], {
      record: { dynamodb: { ApproximateCreationDateTime: 5 }, eventSourceARN: 'arn:x' },
    });
    expect(event.Records[0]!.dynamodb!.ApproximateCreationDateTime).toBe(5);
    expect(event.Records[0]!.dynamodb!.Keys).toEqual({ id: { N: '1' } });
    expect(event.Records[0]!.eventSourceARN).toBe('arn:x');
  });

  it('keeps a "__proto__" attribute name as an ordinary key', () => {
    const image = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}');
    const NewImage = dynamodbStreamEvent({ keys: { id: 1 }, newImage: image }).Records[0]!.dynamodb!.NewImage!;
    expect(Object.keys(NewImage)).toEqual(['id', '__proto__', 'ok']);
    expect(Object.getPrototypeOf(NewImage)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  describe('bad input names the change and the attribute', () => {
    it.each([
      [[{ keys: { id: 1 } }], /change at index 0 has neither "newImage" nor "oldImage"; give "eventName"/],
      [[{ keys: { id: 1 }, newImage: {} }, { newImage: {} }], /change at index 1 has no "keys"/],
      [[{ keys: {}, newImage: {} }], /change at index 0 has no key attributes/],
      [
        [{ keys: { id: 1 }, newImage: { when: new Date(0) } }],
        /change at index 0: newImage\.when is an object \(Date\), which has no DynamoDB form .*toISOString/,
      ],
      [[{ keys: { id: 1 }, newImage: { n: Number.NaN } }], /newImage\.n is NaN, which DynamoDB cannot store/],
      [[{ keys: { id: 1 }, newImage: { s: new Set() } }], /newImage\.s is an empty Set/],
      [[{ keys: { id: 1 }, newImage: { s: new Set(['a', 1]) } }], /newImage\.s is a Set mixing kinds/],
      [[{ keys: { id: 1 }, newImage: { l: [1, undefined] } }], /newImage\.l\[1\] is undefined/],
      [[{ keys: { id: 1 }, newImage: { f: () => 1 } }], /newImage\.f is a function/],
      [[{ keys: { id: 1 }, newImage: {}, eventName: 'UPSERT' }], /"eventName" must be one of INSERT, MODIFY, REMOVE, got "UPSERT"/],
      [['nope'], /change at index 0 must be an object/],
    ])('%#', (changes, message) => {
      expect(() => dynamodbStreamEvent(changes as never)).toThrow(message);
    });

    it('names a bad stream view type', () => {
      expect(() => dynamodbStreamEvent({ keys: { id: 1 }, newImage: {} }, { streamViewType: 'ALL' as never })).toThrow(
        /option "streamViewType" must be "KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE" or "NEW_AND_OLD_IMAGES", got "ALL"/,
      );
    });
  });
});
