; ES module imports: which local name is bound to which module and export.
; Captures: @local (the name bound in this file), @imported (the export it
; names, absent for default and namespace imports), @source (the module).

; import jwt from 'jsonwebtoken'
(import_statement
  (import_clause (identifier) @local)
  source: (string) @source) @default

; import * as jwt from 'jsonwebtoken'
(import_statement
  (import_clause (namespace_import (identifier) @local))
  source: (string) @source) @namespace

; import { verify, sign as signToken } from 'jsonwebtoken'
(import_statement
  (import_clause
    (named_imports
      (import_specifier
        name: _ @imported
        alias: (identifier)? @local)))
  source: (string) @source) @named
