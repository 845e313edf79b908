// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import { ladderZones } from './eslint.ladder.js';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/artifacts/**', 'bin/**', 'bench/results.json'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='process'][property.name='on']", message: 'The library registers no process handlers.' },
        { selector: "Literal[value='NODE_TLS_REJECT_UNAUTHORIZED']", message: 'Never read or set NODE_TLS_REJECT_UNAUTHORIZED.' },
      ],
    },
  },
  {
    // Tests, benchmarks, examples and the CLI may print and may use process events to guard the suite.
    files: ['test/**', 'marbles/**', 'bench/**', 'examples/**', 'src/cli/**'],
    rules: { 'no-console': 'off', 'no-restricted-syntax': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // architecture.md's ladder: a box imports only boxes on lower rungs; the emulator is a peer.
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensionAlias: { '.js': ['.ts', '.js'] } })] },
    rules: { 'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: ladderZones() }] },
  },
  { files: ['eslint.config.js', 'eslint.ladder.js'], ...tseslint.configs.disableTypeChecked },
  {
    // The wallboard's static browser script: plain JavaScript, no build step.
    files: ['res/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'script',
      globals: { window: 'readonly', document: 'readonly', navigator: 'readonly', getComputedStyle: 'readonly', requestAnimationFrame: 'readonly', EventSource: 'readonly', console: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setTimeout: 'readonly', Date: 'readonly', Intl: 'readonly', fetch: 'readonly' },
    },
  },
);
