package personal_test

import (
	"testing"

	"sscgraph/internal/apitest"
)

// TestMain prepares the API harness's template database (see apitest).
func TestMain(m *testing.M) { apitest.Main(m) }
