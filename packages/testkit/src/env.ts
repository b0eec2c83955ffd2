/**
 * Sets `vars` on process.env and returns a function that puts back what was there before (a variable that was not
 * set is deleted again). Used by the `setEnv` option of startSecretsManager() and startSentryIngest().
 */
export const applyEnv = (vars: Record<string, string>): (() => void) => {
  const previous = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(vars)) {
    previous.set(name, process.env[name]);
    process.env[name] = value;
  }
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    for (const [name, value] of previous) {
      // Only a variable still holding our value is put back: one the test changed since is left as the test set it.
      if (process.env[name] !== vars[name]) continue;
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
};
