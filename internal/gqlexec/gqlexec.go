// Package gqlexec holds the hand-written pieces of the GraphQL executor
// that graph/generated/gen_exec.go calls instead of gqlgen's own:
// internal/gqlgenrun rewrites the generated code to call them (each
// rewrite says why), and internal/genguard fails generation when a
// rewrite did not take. Nothing here is generated; nothing in
// graph/generated is hand-written.
package gqlexec
