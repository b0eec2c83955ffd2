export { captureOutput, type CapturedOutput } from './capture.js';
export {
  startSentryIngest,
  parseEnvelope,
  EnvelopeParseError,
  type SentryIngest,
  type SentryIngestOptions,
  type ReceivedEnvelope,
  type ReceivedEvent,
  type EnvelopeItem,
  type IngestMode,
} from './sentry-ingest.js';
export {
  startSecretsManager,
  type LocalSecretsManager,
  type FaultSpec,
  type SecretsManagerCall,
  type SecretsManagerOperation,
  type SetSecretOptions,
  type StartSecretsManagerOptions,
} from './secrets-manager.js';
export { typecheck } from './typecheck.js';
export { startSsm, type LocalSsm, type SsmFault, type SsmCall, type SsmOperation, type ParameterType, type StartSsmOptions } from './ssm.js';
export {
  startParametersSecretsExtension,
  type FakeParametersExtension,
  type ExtensionCall,
  type StartParametersExtensionOptions,
} from './parameters-extension.js';
export {
  startAppConfig,
  type LocalAppConfig,
  type AppConfigFault,
  type AppConfigCall,
  type AppConfigOperation,
  type StartAppConfigOptions,
} from './appconfig.js';
