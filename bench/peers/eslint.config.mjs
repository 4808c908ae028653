// ESLint with eslint-plugin-security's recommended rules, for the benchmark.
// node_modules is ignored by ESLint by default; the corpus *is* dependency
// code, so it is un-ignored here to lint the same files as the others.
import security from "eslint-plugin-security";

export default [
  { ignores: ["!**/node_modules/"] },
  {
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    plugins: { security },
    rules: security.configs.recommended.rules,
    linterOptions: { reportUnusedDisableDirectives: "off" },
    languageOptions: { ecmaVersion: "latest", sourceType: "module" },
  },
];
