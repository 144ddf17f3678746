package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"sscgraph/internal/auth"
	"sscgraph/internal/database"
	"sscgraph/internal/gid"
	"sscgraph/internal/server"
)

// key runs `sscgraph key create|list|revoke`.
func key(ctx context.Context, args []string, getenv Getenv, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"key needs a subcommand: create, list or revoke"}
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "create", "list", "revoke":
	case "-h", "-help", "--help", "help":
		return helpRequest{newFlagSet("key", stderr)}
	default:
		return usageError{fmt.Sprintf("unknown key subcommand %q: use create, list or revoke", sub)}
	}
	fs := newFlagSet("key "+sub, stderr)
	dsn := fs.String("db", envOr(getenv, "SSCGRAPH_DB", "sscgraph.db"), dbUsage)
	idSecret := fs.String("id-secret", envOr(getenv, "SSCGRAPH_ID_SECRET", gid.DefaultSecret), idSecretUsage)
	var role, org, name *string
	var expires *time.Duration
	if sub == "create" {
		role = fs.String("role", "", "ADMIN, EDITOR or MEMBER (required)")
		org = fs.String("org", "", "for MEMBER keys: the organization's GraphQL ID")
		name = fs.String("name", "", "what the key is for")
		expires = fs.Duration("expires", 0, "lifetime, e.g. 720h; none by default")
	}
	positional, err := parseInterspersed(fs, rest)
	if err != nil {
		return err
	}
	// Mistakes are told before the database is opened (and created).
	mistake := func(msg string) error { return inCommand{"key " + sub, usageError{msg}} }
	switch {
	case sub == "create" && len(positional) > 0:
		return mistake("key create takes no arguments besides flags")
	case sub == "create" && *role == "":
		return mistake("key create needs --role: ADMIN, EDITOR or MEMBER")
	case sub == "list" && len(positional) > 0:
		return mistake("key list takes no arguments besides flags")
	case sub == "revoke" && len(positional) != 1:
		return mistake("key revoke takes one key ID, as key list shows it")
	}
	codec, err := server.NewCodec(*idSecret)
	if err != nil {
		return err
	}
	// The writes' checks name rows by their global IDs, and migrations
	// may need to read old IDs: both with the secret serve has.
	ctx = gid.NewContext(ctx, codec)
	db, err := openMigrated(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()

	switch sub {
	case "create":
		opts := auth.CreateOptions{Role: strings.ToUpper(*role), Name: *name, ExpiresIn: *expires}
		if *org != "" {
			id, err := codec.Decode(*org)
			if err != nil {
				return usageError{fmt.Sprintf("--org: %v", err)}
			}
			// gid's wording, as the API refuses an ID of another type.
			if msg := codec.TypeMismatch(id, "Organization"); msg != "" {
				return usageError{"--org: " + msg}
			}
			opts.OrganizationID = id
		}
		rec, secret, err := auth.Create(ctx, db.Client, opts)
		if err != nil {
			return usageError{err.Error()}
		}
		fmt.Fprintf(stdout, "created API key %s (%s)\n", codec.Encode(rec.ID), rec.Role)
		if rec.ExpiresAt != nil {
			fmt.Fprintf(stdout, "it expires at %s\n", rec.ExpiresAt.UTC().Format(time.RFC3339))
		}
		fmt.Fprintln(stdout, "keep the key below now: it is not stored and cannot be shown again")
		fmt.Fprintln(stdout, secret)
		return nil
	case "list":
		keys, err := auth.List(ctx, db.Client)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tROLE\tORGANIZATION\tNAME\tHINT\tCREATED\tEXPIRES\tREVOKED")
		for _, k := range keys {
			org := "-"
			if k.Edges.Organization != nil {
				org = codec.Encode(k.Edges.Organization.ID)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s…\t%s\t%s\t%s\n", codec.Encode(k.ID), k.Role, org, orDash(k.Name), k.Hint,
				k.CreatedAt.UTC().Format(time.RFC3339), timeOrDash(k.ExpiresAt), timeOrDash(k.RevokedAt))
		}
		return tw.Flush()
	case "revoke":
		id, err := codec.Decode(positional[0])
		if err != nil {
			return usageError{err.Error()}
		}
		if msg := codec.TypeMismatch(id, "APIKey"); msg != "" {
			return usageError{msg}
		}
		if err := auth.Revoke(ctx, db.Client, id); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked %s\n", positional[0])
		return nil
	default:
		return usageError{fmt.Sprintf("unknown key subcommand %q: use create, list or revoke", sub)}
	}
}

// parseInterspersed parses flags wherever they stand among the arguments
// (the flag package stops at the first argument) and returns the others.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func timeOrDash(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// openMigrated opens the database dsn names and applies pending
// migrations: what every command but serve and migrate needs first.
func openMigrated(ctx context.Context, dsn string) (*database.DB, error) {
	db, err := openDB(ctx, dsn, database.Options{})
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}
