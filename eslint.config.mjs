import nx from '@nx/eslint-plugin';
import jest from 'eslint-plugin-jest';

const serviceEntryPoints = ['@glint/gateway', '@glint/mapper', '@glint/publisher', '@glint/actions', '@glint/catalog'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/node_modules', '**/.nx', '**/.infra', '**/reports', '**/coverage'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          // The launcher (apps/glint) composes the services; nothing else may import one (see the lib rule below).
          allow: serviceEntryPoints,
          depConstraints: [
            { sourceTag: 'type:launcher', onlyDependOnLibsWithTags: ['type:lib', 'type:service'] },
            { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            // deploy/: checks of the image, compose file and Kubernetes manifests; they use libs, never services.
            { sourceTag: 'type:deploy', onlyDependOnLibsWithTags: ['type:lib'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [{ group: ['@glint/*/src/*', '@glint/*/src'], message: 'Import a lib from its entry point, @glint/<lib>.' }] }],
    },
  },
  {
    files: ['libs/**/*.ts', 'apps/{gateway,mapper,publisher,actions,catalog}/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: serviceEntryPoints.map((name) => ({ name, message: 'Only the launcher (apps/glint) may import a service.' })),
          patterns: [{ group: ['@glint/*/src/*', '@glint/*/src'], message: 'Import a lib from its entry point, @glint/<lib>.' }],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts'],
    plugins: { jest },
    rules: {
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'error',
      'jest/no-identical-title': 'error',
      'jest/valid-expect': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
