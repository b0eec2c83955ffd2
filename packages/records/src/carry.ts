import { isObject } from '@lambdaware/shared';
import type { Registry } from './decode.js';
import type { Carriage, Carry, Ctx, Entry, Kind, Obj, Via } from './source.js';
import { payloadOf } from './source.js';
import { NOT_JSON, RecordProblem, jsonError, looksLikeObject, tryParse } from './text.js';

/**
 * Payload kinds in carriers: the one place a message's content is recognised (`carried`), and the sources this makes
 * nameable (`sourcesOf`). Only an entry point with payload kinds (the main one) imports this file.
 */

/** The kind `source` names at this carrier (`sns` for `s3-over-sns-over-sqs` at `sqs`): null for none, undefined for auto. */
const wanted = (o: Ctx, via: Via): Kind | null | undefined => {
  if (o.source === 'auto') return undefined;
  const tail = `-over-${via.source}`;
  if (!o.source.endsWith(tail)) return null;
  const head = o.source.slice(0, -tail.length);
  const at = head.lastIndexOf('-over-');
  const name = at < 0 ? head : head.slice(at + 6);
  return o.kinds.find((k) => k.name === name) ?? null;
};

/** The kind is the carrier itself (an SNS notification is not looked for inside an SNS notification). */
const carries = (via: Via, k: Kind): boolean => via.source === k.name || via.source.startsWith(`${k.name}-over-`);

/**
 * The one place a message's content is recognised: the payload kind `source` names, else (auto) the first kind that
 * recognises it, else the message itself as the payload (`plain` builds the carrier's own record).
 */
export const carried: Carry = (m, via, o, plain) => {
  const want = wanted(o, via);
  if (want === null) return plain(payloadOf(m, o, via.source), via);
  const inPlace = m.text === undefined;
  let value = m.value;
  if (want !== undefined) {
    const source = `${want.name}-over-${via.source}`;
    if (!inPlace) value = tryParse(m.text!);
    if (value === NOT_JSON) throw new RecordProblem('parse', `${m.what} is not JSON: ${jsonError(m.text!)}`, source);
    if (!isObject(value) || !want.test(value)) throw new RecordProblem('shape', `${m.what} is not ${want.is}`, source);
    return want.read(value, m, via, o);
  }
  if (!inPlace && o.kinds.length > 0 && (o.payload === 'json' || looksLikeObject(m.text!))) value = tryParse(m.text!);
  if (isObject(value)) {
    const json = o.payload === 'json' || inPlace;
    for (const k of o.kinds) if ((json || !k.structured) && k.test(value) && !carries(via, k)) return k.read(value, m, via, o);
  }
  return plain(payloadOf(m, o, via.source, value), via);
};

/** What an EventBridge event carries: a kind that arrives in its own shape (S3), else the event (`plain`). */
export const carriedEvent = (e: Obj, via: Via, o: Ctx, plain: () => Entry): Entry => {
  const want = wanted(o, via);
  if (want === null) return plain();
  if (want !== undefined) {
    if (want.inEventBridge === undefined) throw new RecordProblem('shape', `the EventBridge event is not ${want.is}`, `${want.name}-over-${via.source}`);
    return want.inEventBridge.read(e, via);
  }
  for (const k of o.kinds) if (k.inEventBridge?.test(e)) return k.inEventBridge.read(e, via);
  return plain();
};

/**
 * The sources the registry can name: each event source, and each payload kind carried by a carrier, directly or in a
 * kind that carries others (`s3-over-sns-over-sqs`): generated, never listed by hand.
 */
export const sourcesOf = (reg: Pick<Registry, 'events' | 'kinds'>): string[] => {
  const carriers = reg.events.filter((d) => d.carrier).map((d) => d.name);
  const inner = reg.kinds.filter((k) => k.carries === true).map((k) => k.name);
  const vias = [...carriers, ...inner.flatMap((i) => carriers.filter((c) => c !== i).map((c) => `${i}-over-${c}`))];
  const carried = reg.kinds.flatMap((k) => vias.filter((v) => v !== k.name && !v.startsWith(`${k.name}-over-`)).map((v) => `${k.name}-over-${v}`));
  return [...reg.events.map((d) => d.name), ...carried];
};

const quoted = (names: readonly string[], and: string): string =>
  names.length === 1
    ? `"${names[0]}"`
    : `${names
        .slice(0, -1)
        .map((n) => `"${n}"`)
        .join(', ')} ${and} "${names[names.length - 1]}"`;

/** What the `source` option may be, in words, and its test. */
export const sourceRule = (reg: Pick<Registry, 'events' | 'kinds'>): { expected: string; test: (v: unknown) => boolean } => {
  const sources = new Set(sourcesOf(reg));
  const carriers = reg.events.filter((d) => d.carrier).map((d) => d.name);
  const inner = reg.kinds.filter((k) => k.carries === true).map((k) => k.name);
  return {
    expected: `${['auto', ...reg.events.map((d) => d.name)].map((n) => `"${n}"`).join(', ')} or "<kind>-over-<source>" (a kind ${quoted(
      reg.kinds.map((k) => k.name),
      'or',
    )} carried by ${quoted(carriers, 'or')}${inner.length > 0 ? `, or by ${quoted(inner, 'or')} in one: "s3-over-sns-over-sqs"` : ''})`,
    test: (v) => v === 'auto' || (typeof v === 'string' && sources.has(v)),
  };
};

/** What the main entry point gives its registry: kinds in carriers, and the sources they make. */
export const carriage: Carriage = { message: carried, event: carriedEvent, sourceRule };
