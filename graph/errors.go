package graph

// Error codes clients find in errors[].extensions.code.
const (
	// CodeBadUserInput: an argument, variable or ID is invalid.
	CodeBadUserInput = "BAD_USER_INPUT"
	// CodeValidationFailed: the query does not fit the schema.
	CodeValidationFailed = "GRAPHQL_VALIDATION_FAILED"
	// CodeParseFailed: the query is not valid GraphQL syntax.
	CodeParseFailed = "GRAPHQL_PARSE_FAILED"
	// CodeBadRequest: the HTTP request itself is malformed.
	CodeBadRequest = "BAD_REQUEST"
	// CodeInternal: something failed on the server; details are logged
	// with the request ID, never sent.
	CodeInternal = "INTERNAL_SERVER_ERROR"
)
