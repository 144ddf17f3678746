package validate

import (
	"errors"
	"fmt"
	"strings"
)

// RuleError is a field validator's refusal, written for clients. ent
// wraps it in a ValidationError naming the field; the API answers it as
// "<input path>: <Msg>" with the path in extensions.field.
type RuleError struct{ Msg string }

func (e *RuleError) Error() string { return e.Msg }

// NotBlank is the validator of required text: empty text and text of only
// white space are refused alike (ent's NotEmpty took "   " as a title).
func NotBlank(s string) error {
	if strings.TrimSpace(s) == "" {
		return &RuleError{Msg: "must not be empty"}
	}
	return nil
}

// Between is the validator of a whole number from lo to hi, whose
// message gives the bounds (ent's Range says only "value out of range").
func Between(lo, hi int) func(int) error {
	return func(n int) error {
		switch {
		case n < lo:
			return &RuleError{Msg: fmt.Sprintf("must be at least %d", lo)}
		case n > hi:
			return &RuleError{Msg: fmt.Sprintf("must be at most %d", hi)}
		}
		return nil
	}
}

// AtLeast is the validator of a whole number of lo or more.
func AtLeast(lo int) func(int) error {
	return func(n int) error {
		if n < lo {
			return &RuleError{Msg: fmt.Sprintf("must be at least %d", lo)}
		}
		return nil
	}
}

// entMessages are ent's built-in validators' messages in plain words, for
// the validators sscgraph still takes from ent (MaxLen also sizes the
// column, so it stays).
var entMessages = map[string]string{
	"value out of range":                        "is out of range",
	"value is less than the required length":    "is too short",
	"value is greater than the required length": "is too long",
	"value does not match validation":           "is not in the expected form",
}

// Plain returns what a client reads of a field validator's refusal: the
// RuleError's message, ent's own messages in plain words, or a message
// that names no library.
func Plain(err error) string {
	var re *RuleError
	if errors.As(err, &re) {
		return re.Msg
	}
	// ent wraps the validator's error in its own text: the innermost is
	// the validator's.
	for err != nil {
		if m, ok := entMessages[err.Error()]; ok {
			return m
		}
		err = errors.Unwrap(err)
	}
	return "is not a valid value"
}
