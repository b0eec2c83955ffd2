import { KEYS } from './keys.js';

/**
 * One log line as kept for the failure's Sentry event: already masked and bounded by the logger that kept it.
 * `buffered`: held below the level (not written unless the invocation failed).
 */
export interface RecentLine {
  /** Date.now() when it was logged. */
  timestamp: number;
  level: string;
  message: string;
  data?: Record<string, unknown>;
  buffered?: boolean;
}

/**
 * The logger hands the request a reader of the invocation's recent lines (oldest first, bounded); the Sentry
 * middleware reads them when it reports the failure. Cooperation through a well-known key, not an import.
 */
export const setRecentLines = (request: object, read: () => readonly RecentLine[]): void => {
  (request as Record<symbol, unknown>)[KEYS.recentLines] = read;
};

/** The invocation's recent lines (empty when no logger keeps them). Never throws. */
export const recentLinesOf = (request: object | undefined): readonly RecentLine[] => {
  const read = request ? (request as Record<symbol, unknown>)[KEYS.recentLines] : undefined;
  if (typeof read !== 'function') return [];
  try {
    const lines: unknown = read();
    return Array.isArray(lines) ? lines : [];
  } catch {
    return [];
  }
};
