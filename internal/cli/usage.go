package cli

// commandUsage is what `sscgraph <command> -h` prints above the flags.
var commandUsage = map[string]string{
	"serve": `usage: sscgraph serve [flags]

Serves the GraphQL API at /graphql, GraphiQL at / and the dashboard at
/dashboard/. On a new database it creates the schema and loads the demo
dataset first. Every flag can also be set by the environment variable
named in its description; a flag given on the command line wins.
`,
	"seed": `usage: sscgraph seed [flags]

Creates the schema and loads the dataset (the demo data, or deterministic
synthetic data with --synthetic) without serving.
`,
	"migrate": `usage: sscgraph migrate [--dry-run] [flags]

Applies the pending schema migrations; --dry-run prints each one with its
SQL and changes nothing (it creates no database file either).
`,
	"key": `usage: sscgraph key <subcommand> [flags]

Manages API keys in the database:
  key create --role ROLE [--org ID] [--name NAME] [--expires DURATION]
             creates a key and prints it once (ROLE is ADMIN, EDITOR or MEMBER)
  key list   lists the keys, never their secrets
  key revoke ID
             revokes the key of that ID, as key list shows it

Run 'sscgraph key <subcommand> -h' for the flags of each.
`,
	"key create": `usage: sscgraph key create --role ROLE [--org ID] [--name NAME] [--expires DURATION] [flags]

Creates an API key and prints it once: it is not stored and cannot be
shown again.
`,
	"key list": `usage: sscgraph key list [flags]

Lists the API keys: ID, role, organization, name, the first characters
of the key, and when it was created, expires and was revoked.
`,
	"key revoke": `usage: sscgraph key revoke ID [flags]

Revokes the API key of that ID (as key list shows it); requests with it
are refused from then on.
`,
	"schema": `usage: sscgraph schema

Prints the public GraphQL schema (SDL), as schema.graphql holds it.
`,
	"version": `usage: sscgraph version

Prints the module's version, the commit it was built from (when built in
a git checkout), and the Go version and platform.
`,
}

// idSecretUsage describes --id-secret for the commands other than serve.
// It names no value: the built-in secret is in the source, and the
// environment's is a secret.
const idSecretUsage = "secret of the global IDs, as serve has it (env SSCGRAPH_ID_SECRET; without it, the built-in development secret)"
