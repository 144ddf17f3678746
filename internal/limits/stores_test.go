package limits

import "testing"

func storesUnderTest() []struct {
	name string
	open func(t *testing.T, perHour int) Store
} {
	return stores
}
