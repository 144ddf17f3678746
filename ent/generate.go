// Package ent is the generated ent client for the model in ent/schema.
// Only schema/, template/, entc.go and this file are hand-written.
package ent

//go:generate go run -mod=mod entc.go
//go:generate go run -mod=mod ../internal/gqlgenrun/main.go
//go:generate sh -c "go run ../cmd/sscgraph schema > ../schema.graphql"
