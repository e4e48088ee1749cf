// Shared jest settings. @swc/jest compiles TypeScript (with decorator metadata for NestJS) and also
// transpiles the ESM-only Octokit packages, which jest 30 on Node 20 cannot `require` natively.
const path = require('node:path');

const esmOnlyPackages = [
  '@octokit',
  'universal-user-agent',
  'before-after-hook',
  'universal-github-app-jwt',
  'toad-cache',
  'json-with-bigint',
  'bottleneck',
  'content-type',
];

const swcOptions = {
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

/** @param {string} projectDir @param {'unit' | 'int'} tier */
function jestProject(projectDir, tier) {
  const name = path.basename(projectDir);
  return {
    displayName: `${name}${tier === 'int' ? ' (integration)' : ''}`,
    rootDir: projectDir,
    testEnvironment: 'node',
    testMatch: tier === 'unit' ? ['<rootDir>/src/**/*.spec.ts'] : ['<rootDir>/src/**/*.int-spec.ts'],
    transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', swcOptions] },
    transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages.join('|')})/)`],
    moduleNameMapper: {
      '^@octokit/webhooks-methods$': path.join(__dirname, 'node_modules/@octokit/webhooks-methods/dist-node/index.js'),
      '^@glint/(gateway|mapper|publisher|actions|catalog)$': path.join(__dirname, 'apps/$1/src/index.ts'),
      '^@glint/(.*)$': path.join(__dirname, 'libs/$1/src/index.ts'),
    },
    testTimeout: tier === 'int' ? 60_000 : 5_000,
    clearMocks: true,
  };
}

module.exports = { jestProject };
