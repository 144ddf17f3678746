package apitest

import (
	"context"
	"testing"

	"sscgraph/internal/auth"
)

// Caller sends GraphQL as one key (or none).
type Caller struct {
	A   *API
	Key string
}

// Do sends query with vars as c's key and returns the decoded answer.
func (c Caller) Do(t *testing.T, query string, vars map[string]any) Response {
	t.Helper()
	auth := ""
	if c.Key != "" {
		auth = "Bearer " + c.Key
	}
	_, r := c.A.Send(t, auth, query, vars)
	return r
}

// ErrCode is the code of r's first error, or "" when it has none.
func ErrCode(r Response) string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// NewKey creates an API key of role in a's database and returns its
// Authorization header.
func NewKey(t *testing.T, a *API, role string) string {
	t.Helper()
	_, key, err := auth.Create(context.Background(), a.DB.Client, auth.CreateOptions{Role: role})
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + key
}
