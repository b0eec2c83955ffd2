import type { EventBridgeEvent } from 'aws-lambda';
import { type DeepPartial, EventBuildError, common, describe, deepMerge, isPlainObject, uuid } from './util.js';

/** Fields of the event to set (deep-merged over the defaults; a key set to `undefined` removes it), plus `now`. */
export type EventBridgeOverrides<TDetailType extends string = string> = DeepPartial<
  Omit<EventBridgeEvent<TDetailType, unknown>, 'detail' | 'detail-type'>
> & {
  'detail-type'?: TDetailType;
  /** Clock for `time`, a Date or epoch milliseconds (default: now). */
  now?: Date | number;
};

/**
 * One EventBridge event carrying `detail` as it is (EventBridge delivers it as a JSON object, not a string).
 *
 * @example eventBridgeEvent({ orderId: 1 }, { 'detail-type': 'OrderPlaced', source: 'com.example.orders' })
 */
export function eventBridgeEvent<TDetail = Record<string, never>, TDetailType extends string = string>(
  detail: TDetail = {} as TDetail,
  overrides?: EventBridgeOverrides<TDetailType>,
): EventBridgeEvent<TDetailType, TDetail> {
  const builder = 'eventBridgeEvent';
  if (overrides !== undefined && !isPlainObject(overrides as unknown)) {
    throw new EventBuildError(`${builder}: the second argument must be an object of event fields, got ${describe(overrides)}`);
  }
  const { now, ...fields } = overrides ?? {};
  const { region, accountId, nowMs } = common(builder, {
    now,
    region: typeof fields.region === 'string' ? fields.region : undefined,
    accountId: typeof fields.account === 'string' ? fields.account : undefined,
  });
  const event = {
    version: '0',
    id: uuid(),
    'detail-type': 'Test Event',
    source: 'com.example.test',
    account: accountId,
    // EventBridge writes whole seconds.
    time: new Date(Math.floor(nowMs / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    region,
    resources: [] as string[],
    detail,
  };
  return deepMerge(event, fields) as EventBridgeEvent<TDetailType, TDetail>;
}
