package gid

import (
	"context"
	"fmt"

	"sscgraph/internal/apierr"
)

// TypeMismatch describes, as clients read it, a key that is not of type
// want: `"Region_…" is the ID of a Region, not of a Country`. It answers
// "" when the key is of type want. Every check of "is this ID of type X"
// words its refusal here, so that clients see one sentence whichever layer
// refuses.
func (c *Codec) TypeMismatch(key int, want string) string {
	got, _ := c.TypeOf(key)
	if got == want {
		return ""
	}
	return fmt.Sprintf("%q is the ID of %s, not of %s", c.Encode(key), apierr.WithArticle(got), apierr.WithArticle(want))
}

// CheckType refuses a key that is not of type want, as bad input naming the
// argument arg (in the message and the "field" extension); nil when the key
// is of type want. The codec is the one ctx carries (ErrNoCodec without).
func CheckType(ctx context.Context, arg string, key int, want string) error {
	c, err := FromContext(ctx)
	if err != nil {
		return err
	}
	if msg := c.TypeMismatch(key, want); msg != "" {
		return apierr.BadInput("%s: %s", arg, msg).With("field", arg)
	}
	return nil
}
