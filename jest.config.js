// Three projects in one run: pure unit tests once, and every integration test
// (`*.int.test.ts`) twice, against embedded SQLite and against real MariaDB.
// `test/support/database.ts` reads SCOPEQL_TEST_DB to pick the engine.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

const common = {
  transform: { '^.+\\.ts$': swc },
  testEnvironment: 'node',
  rootDir: __dirname,
};

module.exports = {
  // Integration tests seed real databases and start real servers; on a loaded
  // 2-core CI machine jest's 5 s default fails them for being slow, not wrong.
  // Nothing here asserts on time: waits are polls with their own deadlines.
  // (A global option: jest ignores it inside a project's config.)
  testTimeout: 30_000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: ['\\.int\\.test\\.ts$'] },
    // `*.mysql.int.test.ts`: behaviour only a networked database has (a connection cut, several processes on one server).
    {
      ...common,
      displayName: 'sqlite',
      testMatch: ['<rootDir>/test/**/*.int.test.ts'],
      testPathIgnorePatterns: ['\\.mysql\\.int\\.test\\.ts$'],
      setupFiles: ['<rootDir>/test/support/use-sqlite.js'],
    },
    { ...common, displayName: 'mysql', testMatch: ['<rootDir>/test/**/*.int.test.ts'], setupFiles: ['<rootDir>/test/support/use-mysql.js'] },
  ],
};
