// Two Jest projects: `unit` (pure logic, beside the code) and `integration` (real Kafka and
// Postgres from the local stack, in apps/<service>/test and libs/<lib>/test).
const { swcOptions } = require('./tools/swc-options.cjs');

const transform = { '^.+\\.ts$': ['@swc/jest', { ...swcOptions(), sourceMaps: 'inline', swcrc: false }] };
const common = {
  transform,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.cache/'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.int-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tools/jest-integration-setup.ts'],
      slowTestThreshold: 30,
    },
  ],
};
