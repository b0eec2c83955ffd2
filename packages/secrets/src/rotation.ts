import { type OptionRule, deadlineOf, getLogSink, is, optionsChecker, safeString } from '@lambdaware/shared';
import { SecretsError } from './errors.js';
import { DEFAULT_FETCH_MARGIN_MS, ms } from './options.js';

/**
 * Rotation: when the app's call fails because a credential was rejected (the app says which errors those are), the
 * Secrets Manager secrets are fetched again (AWSCURRENT, then AWSPENDING when asked) and the handler is run once
 * more with the new values, within the invocation's deadline.
 *
 * Why a handler wrapper and not a middleware option: a Middy middleware cannot run the handler again (onError
 * only sees the error; re-invoking the handler from it would skip the other middlewares' hooks and Middy's own
 * bookkeeping). So the retry wraps the handler itself, inside the chain: every middleware's before/after runs once,
 * the handler at most twice. It finds the secrets() middlewares of its chain through `context.secrets`.
 */

/** On `context.secrets`: the loaders that produced it (non-enumerable; never printed). */
export const ROTATION: unique symbol = Symbol('lambdaware.secrets.rotation');

/** What a loader offers for rotation: refetch its secrets at a stage; the keys whose value changed, with it. */
export interface Rotatable {
  rotate(context: unknown, stage: 'AWSCURRENT' | 'AWSPENDING', keys: readonly string[] | undefined, margin: number): Promise<Record<string, unknown>>;
}

/** Marks a values object (before it is frozen) as made by `loader`. */
export const markRotation = <T extends object>(values: T, loader: Rotatable): T =>
  Object.defineProperty(values, ROTATION, { value: [loader], enumerable: false });

const loadersOf = (values: object | undefined): Rotatable[] => (values as { [ROTATION]?: Rotatable[] } | undefined)?.[ROTATION] ?? [];

/** `context.secrets` when a second secrets() middleware adds its values: both can rotate. */
export const mergeSecrets = (existing: object, values: object): object =>
  Object.defineProperty({ ...existing, ...values }, ROTATION, { value: [...loadersOf(existing), ...loadersOf(values)], enumerable: false });

export interface RotationOptions {
  /** True for the errors that mean "credentials rejected" (e.g. Postgres `28P01`, MySQL `ER_ACCESS_DENIED_ERROR`). */
  isRotationError: (error: unknown) => boolean;
  /** When AWSCURRENT gives the value already used, try AWSPENDING (a rotation between its setSecret and finishSecret steps). Default false. */
  pending?: boolean;
  /** Only these context keys are fetched again (default: every Secrets Manager secret on `context.secrets`). */
  keys?: readonly string[];
  /** No fetch and no retry with less than this many ms left (kept for the failure to be reported). Default 500. */
  margin?: number;
}

const RULES: Record<keyof RotationOptions, OptionRule> = {
  isRotationError: is.custom('a function (error) => boolean', (f) => typeof f === 'function'),
  pending: is.boolean,
  keys: is.arrayOf(is.string(), 'an array of context keys'),
  margin: ms(0),
};

const checker = optionsChecker('@lambdaware/secrets', 'withRotation', (init) => SecretsError.forOption(init));

/**
 * Wraps a handler: when it throws an error `isRotationError` accepts, the secrets on `context.secrets` are fetched
 * again (AWSCURRENT, then AWSPENDING with `pending: true`) and, when a value changed, the handler runs once more
 * with the new values. Otherwise (or with no time left) the original error is thrown.
 *
 * ```ts
 * middy().use(secrets({ fetch: { db: { id: 'prod/db', schema: Db } } }))
 *   .handler(withRotation(async (event, context) => query(context.secrets.db), { isRotationError: (e) => (e as { code?: string }).code === '28P01' }));
 * ```
 */
// E and C default to any: Middy's `.handler()` gives no contextual type to infer them from (annotate `context` to type it)
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const withRotation = <E = any, C = any, R = unknown>(
  handler: (event: E, context: C) => Promise<R>,
  options: RotationOptions,
): ((event: E, context: C) => Promise<R>) => {
  checker.check(
    'handler',
    handler,
    is.custom('a function (event, context) => Promise', (f) => typeof f === 'function'),
    false,
  );
  checker.options(options, RULES);
  checker.check('isRotationError', options.isRotationError, RULES.isRotationError, false);
  const margin = options.margin ?? DEFAULT_FETCH_MARGIN_MS;
  const stages = options.pending === true ? (['AWSCURRENT', 'AWSPENDING'] as const) : (['AWSCURRENT'] as const);
  return async (event, context) => {
    try {
      return await handler(event, context);
    } catch (error) {
      let rotation = false;
      try {
        rotation = options.isRotationError(error) === true;
      } catch {
        // a classifier that throws says nothing: the original error stands
      }
      const current = (context as { secrets?: object }).secrets;
      const loaders = loadersOf(current);
      if (!rotation || loaders.length === 0) throw error;
      for (const stage of stages) {
        if (deadlineOf(context).allow(Infinity, margin) <= 0) throw error;
        const changed: Record<string, unknown> = {};
        try {
          for (const loader of loaders) Object.assign(changed, await loader.rotate(context, stage, options.keys, margin));
        } catch (e) {
          getLogSink().log('warn', `secrets: withRotation: fetching the secrets again (${stage}) failed: ${safeString((e as Error)?.message ?? e)}`, {});
          throw error;
        }
        if (Object.keys(changed).length === 0) continue;
        if (deadlineOf(context).allow(Infinity, margin) <= 0) throw error;
        getLogSink().log(
          'info',
          `secrets: credentials rejected; retrying with ${stage} of ${Object.keys(changed)
            .map((k) => `"${k}"`)
            .join(', ')}`,
          {
            secretKeys: Object.keys(changed),
            versionStage: stage,
          },
        );
        Object.defineProperty(context, 'secrets', { value: mergeSecrets(current!, changed), enumerable: false, writable: true, configurable: true });
        return handler(event, context);
      }
      throw error;
    }
  };
};
