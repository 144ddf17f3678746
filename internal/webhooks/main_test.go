package webhooks_test

import (
	"testing"

	"sscgraph/internal/apitest"
)

func TestMain(m *testing.M) { apitest.Main(m) }
