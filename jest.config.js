// jest 30 in native ESM mode (node --experimental-vm-modules), TypeScript transformed by @swc/jest.
// Unit tests import each package's TypeScript source (moduleNameMapper); end-to-end tests that need real
// JavaScript files (the Lambda runtime client loads a handler module) use the dist/ built by `npm run build`.
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2023', keepClassNames: true },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@lambdaware/([a-z0-9-]+)$': '<rootDir>/packages/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: [
    '<rootDir>/packages/*/test/**/*.test.ts',
    '<rootDir>/examples/*/test/**/*.test.ts',
    '<rootDir>/bench/test/**/*.test.ts',
    '<rootDir>/tests/**/*.test.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
  testTimeout: 30000,
  // The whole-run secret scan (tests/secret-scan/README.md): tee every test file's stdout/stderr and record every
  // registered secret; the teardown finds any of them in the output or in the envelopes the Sentry ingest received.
  setupFiles: ['<rootDir>/tests/secret-scan/tee-output.ts'],
  globalSetup: '<rootDir>/tests/secret-scan/global-setup.mjs',
  globalTeardown: '<rootDir>/tests/secret-scan/global-teardown.mjs',
};
