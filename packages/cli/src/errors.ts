/**
 * A problem with what was asked (an option, the handler string, the event), found before anything runs.
 * The CLI prints its message and exits with code 3.
 */
export class InvokeUsageError extends Error {
  override name = 'InvokeUsageError';
}
