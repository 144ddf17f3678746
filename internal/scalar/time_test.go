package scalar

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"sscgraph/internal/apierr"
)

func TestUnmarshalTime(t *testing.T) {
	want := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		in any
		ok bool
	}{
		{"2026-11-28T09:00:00Z", true},
		{"2026-11-28T10:00:00+01:00", true},
		{"2026-11-28T09:00:00.000000000Z", true},
		{"2026-11-28 09:00:00", true},
		{"yesterday", false},
		{"", false},
		{"2026-11-28", false},
		{json.Number("1764320400"), false},
		{nil, false},
		{map[string]any{}, false},
	} {
		got, err := UnmarshalTime(tt.in)
		if tt.ok != (err == nil) || (tt.ok && !got.Equal(want)) {
			t.Errorf("UnmarshalTime(%#v) = %s, %v", tt.in, got, err)
		}
		if err != nil {
			if e, ok := apierr.As(err); !ok || e.Code != apierr.BadUserInput {
				t.Errorf("UnmarshalTime(%#v): %v is not bad input", tt.in, err)
			}
		}
	}
}

func TestMarshalTime(t *testing.T) {
	var b bytes.Buffer
	MarshalTime(time.Date(2026, 11, 28, 9, 0, 0, 5, time.UTC)).MarshalGQL(&b)
	if b.String() != `"2026-11-28T09:00:00.000000005Z"` {
		t.Errorf("got %s", b.String())
	}
	b.Reset()
	MarshalTime(time.Time{}).MarshalGQL(&b)
	if b.String() != "null" {
		t.Errorf("zero time: %s", b.String())
	}
}
