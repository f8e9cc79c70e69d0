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
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: ['\\.int\\.test\\.ts$'] },
    { ...common, displayName: 'sqlite', testMatch: ['<rootDir>/test/**/*.int.test.ts'], setupFiles: ['<rootDir>/test/support/use-sqlite.js'] },
    { ...common, displayName: 'mysql', testMatch: ['<rootDir>/test/**/*.int.test.ts'], setupFiles: ['<rootDir>/test/support/use-mysql.js'] },
  ],
};
