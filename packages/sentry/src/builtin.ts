// The built-in reporter, loaded: @sentry/core's exports the reporter uses (sentry-core.ts) bound and checked
// (sentry-adapter.ts `bindCore`), and the reporter made. Imported by `@lambdaware/sentry` (index.ts) with a dynamic
// import at init, only when there is a DSN and no app client; `@lambdaware/sentry/app` never imports it, so a bundle
// of an app that has its own Sentry client does not hold it (nor @sentry/core's parts it uses).
import type { Config } from './options.js';
import { type Reporter, createReporter } from './reporter.js';
import { bindCore } from './sentry-adapter.js';

export const loadBuiltInReporter = async (config: Config): Promise<Reporter> => {
  const exports = (await import('./sentry-core.js')) as unknown as Record<string, unknown>;
  const core = bindCore(exports, exports);
  return createReporter({ core, dsn: config.dsn!, environment: config.environment, release: config.release, beforeSend: config.beforeSend });
};
