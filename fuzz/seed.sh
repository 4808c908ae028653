#!/bin/sh
# Seeds each fuzz target's corpus with the rule fixtures of its language.
# Each seed gets a leading byte, which the targets use to pick the file
# name; 0 picks the first name (`.js`, `.ts`, `.rs`, `.yaml`).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
fixtures="$here/../tests/fixtures"

seed() {
    target=$1
    shift
    mkdir -p "$here/corpus/$target"
    for pattern in "$@"; do
        find "$fixtures" -type f -name "$pattern" | while read -r file; do
            name=$(printf '%s' "$file" | sed "s|^$fixtures/||; s|/|_|g")
            { printf '\000'; cat "$file"; } >"$here/corpus/$target/$name"
        done
    done
}

seed js '*.js' '*.jsx' '*.mjs' '*.cjs'
seed ts '*.ts' '*.tsx' '*.mts' '*.cts'
seed rust '*.rs'
seed openapi '*.yaml' '*.yml' '*.json'
