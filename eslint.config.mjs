// Lint rules that catch what review would otherwise have to: floating promises everywhere, and
// non-determinism (Node built-ins, I/O clients) inside workflow code before it ever replays wrong.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const nodeBuiltins = [
  'assert',
  'async_hooks',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
];
const ioModules = [
  'kafkajs',
  'pg',
  'express',
  'nodemailer',
  'pino',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.stack/**', 'coverage/**', 'contracts/json-schema/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: [
            'eslint.config.mjs',
            'jest.config.js',
            'test/support/closing-line-reporter.js',
            'api/operator/dashboard/static/*.js',
          ],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read settings through platform/config.ts.',
        },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, ...nodeBuiltins.map((m) => `node:${m}`), ...ioModules].map((name) => ({
            name,
            message: 'Workflow code must be deterministic: no Node built-ins or I/O. Use an activity.',
          })),
          patterns: [
            {
              group: ['../activities/*', '../workers/*', '../api/*', '../platform/*'],
              allowTypeImports: true,
              message: 'Workflows import only types from side-effecting modules.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
      ],
    },
  },
  {
    // The API talks to workflows through their messages (updates, queries, search attributes) and knows
    // their types; how a workflow runs its steps is not its business.
    files: ['api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/workflows/*',
                '!**/workflows/messages',
                '!**/workflows/group-messages',
                '!**/workflows/search-attributes',
                '**/activities/*',
                '**/workers/*',
              ],
              allowTypeImports: true,
              message: 'The API reaches workflows through workflows/messages and search attributes only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      'platform/config.ts',
      'test/**/*.ts',
      'harness/**/*.ts',
      'bench/**/*.ts',
      'chaos/**/*.ts',
      'scripts/**/*.ts',
      'jest.config.js',
    ],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['eslint.config.mjs', 'jest.config.js', 'test/support/closing-line-reporter.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Plain CommonJS that Jest loads itself, untransformed.
    files: ['jest.config.js', 'test/support/closing-line-reporter.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', process: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The operator pages' scripts: plain browser scripts, served as they are (no build step).
    files: ['api/operator/dashboard/static/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { sourceType: 'script', globals: { ...globals.browser, Chart: 'readonly' } },
  },
  prettier,
);
