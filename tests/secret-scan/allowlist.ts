// The whole-run secret scan's exceptions, each with the test file and why. Keep this list as short as possible.
// - 'output': the output written while that test file ran is not searched for the secrets that same file
//   registered (a secret registered by any other file is still a finding there, and envelopes have no exceptions).
// - 'registrations': the values that test file registers are not secrets (fuzzed inputs), so they are not searched
//   for anywhere.
export interface AllowEntry {
  /** The test file, relative to the repository root. */
  file: string;
  scope: 'output' | 'registrations';
  reason: string;
}

export const allowlist: readonly AllowEntry[] = [
  {
    file: 'packages/logger/test/redaction.test.ts',
    scope: 'output',
    reason:
      '"a line with no secret registered is written as it is" logs the value of an earlier test after clearSecrets(), ' +
      'to show that redaction only masks registered values.',
  },
  {
    file: 'packages/logger/test/masking-json.test.ts',
    scope: 'output',
    reason:
      'registers the short secrets "true" and "5432" and asserts that the booleans and numbers of its lines (true, ' +
      '15432) are written intact: the text search finds them where they are not the secret values.',
  },
  {
    file: 'tests/reliability/typed-errors.test.ts',
    scope: 'registrations',
    reason:
      'fuzzes getSecretValues with arbitrary fast-check values ("null", "true", "mg==", ...), which the secrets ' +
      'middleware registers and the test clears after each run: inputs of a typed-error property, not secrets.',
  },
];
