/**
 * The SSM and AppConfig Data clients as the middleware's options type them: structurally, so that the published
 * `.d.ts` never imports the SSM or AppConfig Data SDK clients (optional peers: an app reading only
 * Secrets Manager compiles without them). A real `SSMClient` / `AppConfigDataClient` is assignable (checked by
 * test/types/clients.ts); only `send(command, { abortSignal })` is used.
 */

/** What the middleware uses of an AWS SDK v3 client. */
export interface SdkClientLike {
  /** Any command of the client's service (a method's parameter is compared bivariantly: the SDK's `send` fits). */
  send(command: object, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/** An `SSMClient` of the AWS SDK v3 (or anything with its `send`). */
export type SsmClientLike = SdkClientLike;

/** An `AppConfigDataClient` of the AWS SDK v3 (or anything with its `send`). */
export type AppConfigDataClientLike = SdkClientLike;
