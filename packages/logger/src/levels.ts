import type { OptionsChecker } from '@lambdaware/shared';
/** The levels, most verbose first. `fatal` is accepted as `critical`; `silent` writes nothing. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'critical', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The environment variables read, first set and valid wins (Powertools' own variable last). */
export const LEVEL_VARIABLES = ['AWS_LAMBDA_LOG_LEVEL', 'LOG_LEVEL', 'POWERTOOLS_LOG_LEVEL'] as const;

const ACCEPTED = `${LOG_LEVELS.join(', ')} (fatal = critical), in any letter case`;

/** `'DEBUG'`, `' Debug '` -> `'debug'`; `'FATAL'` -> `'critical'`; anything else -> undefined. */
export const parseLevel = (value: unknown): LogLevel | undefined => {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'fatal') return 'critical';
  return (LOG_LEVELS as readonly string[]).includes(v) ? (v as LogLevel) : undefined;
};

/** Warnings already written in this process (one per variable and value, however many loggers are created). */
const warned = new Set<string>();

/**
 * The level from the environment: the first of LEVEL_VARIABLES that is set to a valid level, else `info`.
 * When a variable is set to something else, `warn` is called once (per variable and value, per process) with
 * a message naming the variable, the value, the accepted values and the level used instead.
 */
export const levelFromEnv = (env: NodeJS.ProcessEnv, warn: (message: string) => void): LogLevel => {
  let invalid: string | undefined;
  let level: LogLevel = 'info';
  let source = 'the default';
  for (const name of LEVEL_VARIABLES) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const parsed = parseLevel(raw);
    if (parsed !== undefined) {
      level = parsed;
      source = name;
      break;
    }
    invalid ??= `${name}=${JSON.stringify(raw)}`;
  }
  if (invalid !== undefined && !warned.has(invalid)) {
    warned.add(invalid);
    warn(`${invalid} is not a log level (accepted: ${ACCEPTED}); logging at ${level} (${source})`);
  }
  return level;
};

/** Parses a level given in code, or throws the checker's option error naming `option`. */
export const levelOrThrow = (value: unknown, checker: OptionsChecker, option: string): LogLevel => {
  const level = parseLevel(value);
  if (level === undefined) throw checker.error(option, { expected: `one of ${ACCEPTED}`, value });
  return level;
};
