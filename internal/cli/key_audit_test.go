package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"sscgraph/ent/auditevent"
	"sscgraph/ent/privacy"
	"sscgraph/internal/audit"
	"sscgraph/internal/database"
	"sscgraph/internal/gid"
	"sscgraph/internal/server"
)

// TestKeyCreateAuditsItsOrganization: `key create --org` records the key's
// organization in its audit event. It used to record "added": [], since
// the command had no codec and the audit hook dropped the IDs it could not
// encode; the trail now stores raw keys, which read back as the
// organization's ID under the reader's secret.
func TestKeyCreateAuditsItsOrganization(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "keys.db")
	if err := Run(ctx, []string{"seed", "--db", dbPath}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	db, err := database.Open(ctx, dbPath, database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	read := privacy.DecisionContext(ctx, privacy.Allow)
	org, err := db.Client.Organization.Query().First(read)
	if err != nil {
		t.Fatal(err)
	}
	codec, err := server.NewCodec(gid.DefaultSecret)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	args := []string{"key", "create", "--role", "MEMBER", "--org", codec.Encode(org.ID), "--db", dbPath}
	if err := Run(ctx, args, noEnv, &out, io.Discard); err != nil {
		t.Fatalf("key create: %v\n%s", err, out.String())
	}

	ev, err := db.Client.AuditEvent.Query().
		Where(auditevent.Type("APIKey"), auditevent.OperationEQ(auditevent.OperationCREATE)).
		Only(read)
	if err != nil {
		t.Fatalf("the key's audit event: %v", err)
	}
	if ev.Via != "CLI" {
		t.Errorf("the event came via %q, want CLI", ev.Via)
	}
	stored, _ := json.Marshal(ev.Changes["organization"])
	if want := fmt.Sprintf(`{"added":[{"$id":%d}]}`, org.ID); string(stored) != want {
		t.Errorf("the event stores organization %s, want %s", stored, want)
	}
	seen, err := audit.ClientChanges(gid.NewContext(ctx, codec), ev.Changes)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(seen["organization"]), fmt.Sprintf("map[added:[%s]]", codec.Encode(org.ID)); got != want {
		t.Errorf("clients read organization %s, want %s", got, want)
	}
}
