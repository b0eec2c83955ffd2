export {
  secrets,
  secret,
  DEFAULT_CACHE_TTL_MS,
  type SecretsOptions,
  type SecretSpec,
  type ParameterSpec,
  type ConfigSpec,
  type FetchSpec,
  type SecretValue,
  type SecretValues,
} from './secrets.js';
export { getSecretValues, type GetSecretValuesOptions, type SecretValuesOf } from './get.js';
export { SecretsError, type SecretsErrorCode, type SecretsIssue, type SecretsErrorDetails } from './errors.js';
export type { ParseMode } from './parse.js';
export type { ParameterParse } from './ssm-value.js';
export type { ConfigParse } from './appconfig.js';
export type { Transport } from './extension.js';
export { withRotation, type RotationOptions } from './rotation.js';
export type { SdkClientLike, SsmClientLike, AppConfigDataClientLike } from './clients.js';
