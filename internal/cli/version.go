package cli

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// printVersion runs `sscgraph version`: what Go recorded in the binary of
// the module and of the commit it was built from.
func printVersion(args []string, stdout io.Writer) error {
	if err := parse(newFlagSet("version", nil), args); err != nil {
		return err
	}
	fmt.Fprint(stdout, versionText(debug.ReadBuildInfo()))
	return nil
}

// versionText formats build information; ok is false in a binary built
// without module support.
func versionText(info *debug.BuildInfo, ok bool) string {
	version := "(unknown)"
	settings := map[string]string{}
	if ok {
		if info.Main.Version != "" {
			version = info.Main.Version
		}
		for _, s := range info.Settings {
			settings[s.Key] = s.Value
		}
	}
	out := "sscgraph " + version + "\n"
	if rev := settings["vcs.revision"]; rev != "" {
		modified := ""
		if settings["vcs.modified"] == "true" {
			modified = " (modified: built with uncommitted changes)"
		}
		out += fmt.Sprintf("commit  %s%s\n", rev, modified)
		if t := settings["vcs.time"]; t != "" {
			out += fmt.Sprintf("time    %s\n", t)
		}
	} else {
		out += "commit  unknown (the binary holds no version control information)\n"
	}
	out += fmt.Sprintf("go      %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return out
}
