; TypeScript only: import jwt = require('jsonwebtoken')
(import_statement
  (import_require_clause
    (identifier) @local
    source: (string) @source)) @default
