// One linter for the tree: typescript-eslint with type information (floating promises, unsafe
// `any`, unused code), eslint-plugin-astro for the site's components, and a line width that
// Prettier cannot enforce on its own (it never breaks a string).
import stylistic from '@stylistic/eslint-plugin'
import astro from 'eslint-plugin-astro'
import tseslint from 'typescript-eslint'

const MAX_LINE = 120

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      'dist/**',
      '.wrangler/**',
      'site/dist/**',
      'site/.astro/**',
      'site/public/vendor/**',
      'api/src/generated/**',
      'worker-configuration.d.ts',
      'test-results/**',
      'bench/tmp/**',
      'validate/**/node_modules/**',
    ],
  },
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.mjs'] } },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...astro.configs.recommended,
  {
    plugins: { '@stylistic': stylistic },
    rules: {
      '@stylistic/max-len': ['error', { code: MAX_LINE, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
)
