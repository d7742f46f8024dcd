// Lint rules for the whole repository: strict TypeScript for runtime code and
// tests, browser rules for the editor HTML of the Node-RED nodes.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import html from 'eslint-plugin-html';

export default tseslint.config(
    {
        ignores: [
            'dist/**',
            'node_modules/**',
            'mcp-adapter/dist/**',
            'protocol/dist/**',
            'mcp-adapter/node_modules/**',
            'firmware-esphome-component/host/build/**',
            '.test-services/**',
        ],
    },
    js.configs.recommended,
    ...tseslint.configs.strict.map((c) => ({ ...c, files: ['**/*.ts'] })),
    {
        files: ['**/*.ts'],
        rules: {
            '@typescript-eslint/no-explicit-any': 'error',
            '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
        },
    },
    {
        files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
        languageOptions: {
            globals: {
                process: 'readonly',
                console: 'readonly',
                require: 'readonly',
                module: 'writable',
                __dirname: 'readonly',
                Buffer: 'readonly',
                URL: 'readonly',
                setTimeout: 'readonly',
                clearTimeout: 'readonly',
            },
        },
    },
    {
        files: ['nodes/**/*.html'],
        plugins: { html },
        languageOptions: {
            sourceType: 'script',
            globals: {
                RED: 'readonly',
                $: 'readonly',
                window: 'readonly',
                document: 'readonly',
                console: 'readonly',
                setTimeout: 'readonly',
                clearTimeout: 'readonly',
                setInterval: 'readonly',
                clearInterval: 'readonly',
            },
        },
        rules: {
            curly: 'error',
            eqeqeq: 'error',
        },
    },
);
