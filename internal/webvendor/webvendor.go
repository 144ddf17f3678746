// Package webvendor copies browser files from pinned npm packages into a
// package's assets/, with LICENSES naming every installed package and
// carrying its license text. The gen.go of internal/graphiql and of
// internal/dashboard call it through `go generate`.
//
// The copy is byte-for-byte reproducible: npm ci installs exactly the
// lockfile, the files are copied whole (less a source-map comment, see
// stripSourceMap), and LICENSES lists the packages in the lockfile's
// order. CI regenerates and fails on any difference, so what is embedded
// is what the lockfile says.
package webvendor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// Copy is one file the page loads: From is its path under
// web/node_modules, To its name in assets/.
type Copy struct{ From, To string }

const (
	webDir    = "web"
	assetsDir = "assets"
	licenses  = "LICENSES"
)

// Run installs web/package-lock.json's packages with npm ci in the
// current directory's web/, and makes assets/ hold exactly the copies
// and LICENSES, whose title is followed by intro (which says what the files
// are and where they come from, ending with a blank line).
func Run(copies []Copy, intro string) error {
	// --ignore-scripts: none of these packages needs an install script,
	// and generating should not run code from the registry.
	npm := exec.Command("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error")
	npm.Dir = webDir
	npm.Stdout, npm.Stderr = os.Stderr, os.Stderr
	if err := npm.Run(); err != nil {
		return fmt.Errorf("npm ci in %s: %w", webDir, err)
	}

	want := map[string][]byte{}
	for _, c := range copies {
		b, err := os.ReadFile(filepath.Join(webDir, "node_modules", filepath.FromSlash(c.From)))
		if err != nil {
			return fmt.Errorf("reading an installed file: %w", err)
		}
		want[c.To] = stripSourceMap(b)
	}
	notice, err := licenseNotice(intro)
	if err != nil {
		return err
	}
	want[licenses] = notice
	return writeDir(assetsDir, want)
}

// sourceMapComment is the last line of a minified file that points at its
// source map. The maps are not shipped (graphiql's alone is 4 MB), and a
// browser with its developer tools open would ask for them, in vain.
var sourceMapComment = regexp.MustCompile(`\n(//# sourceMappingURL=[^\n]*|/\*# sourceMappingURL=[^\n]*\*/)\n?$`)

func stripSourceMap(b []byte) []byte {
	return sourceMapComment.ReplaceAll(b, []byte("\n"))
}

// lockfile is the part of package-lock.json (lockfileVersion 3) read here.
type lockfile struct {
	LockfileVersion int `json:"lockfileVersion"`
	Packages        map[string]struct {
		Version string `json:"version"`
		License string `json:"license"`
		Dev     bool   `json:"dev"`
	} `json:"packages"`
}

// licenseFile is how packages name their license text: LICENSE,
// license, LICENSE.md, LICENSE.txt, LICENSE-MIT.txt, License.txt.
var licenseFile = regexp.MustCompile(`(?i)^licen[cs]e([-.].*)?$`)

// licenseNotice names every package the lockfile installs, in the
// lockfile's (sorted) order, with its license and the text of its license
// file, after intro. The bundles carry code from many of them (a bundle
// may hold all its dependencies); listing all of them is the simple
// superset.
func licenseNotice(intro string) ([]byte, error) {
	raw, err := os.ReadFile(filepath.Join(webDir, "package-lock.json"))
	if err != nil {
		return nil, fmt.Errorf("reading the lockfile: %w", err)
	}
	var lock lockfile
	if err := json.Unmarshal(raw, &lock); err != nil {
		return nil, fmt.Errorf("parsing %s/package-lock.json: %w", webDir, err)
	}
	if lock.LockfileVersion != 3 {
		return nil, fmt.Errorf("%s/package-lock.json has lockfileVersion %d, want 3", webDir, lock.LockfileVersion)
	}
	paths := make([]string, 0, len(lock.Packages))
	for p, pkg := range lock.Packages {
		if p != "" && !pkg.Dev {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)

	var out bytes.Buffer
	out.WriteString("Third-party software in this directory\n\n")
	out.WriteString(intro)
	for _, p := range paths {
		pkg := lock.Packages[p]
		name := p[strings.LastIndex(p, "node_modules/")+len("node_modules/"):]
		fmt.Fprintf(&out, "%s\n%s@%s, license %s\n\n", strings.Repeat("=", 72), name, pkg.Version, pkg.License)
		text, file, err := readLicense(filepath.Join(webDir, filepath.FromSlash(p)))
		if err != nil {
			return nil, err
		}
		if file == "" {
			fmt.Fprintf(&out, "The package ships no license file; its package.json names the %s license.\n\n", pkg.License)
			continue
		}
		fmt.Fprintf(&out, "%s:\n\n", path.Join(name, file))
		out.Write(bytes.TrimRight(bytes.ReplaceAll(text, []byte("\r\n"), []byte("\n")), "\n \t"))
		out.WriteString("\n\n")
	}
	return out.Bytes(), nil
}

// readLicense returns the text and name of a package's license file, the
// first by name when it has several; no name when it has none.
func readLicense(dir string) ([]byte, string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, "", fmt.Errorf("reading an installed package: %w", err)
	}
	for _, e := range entries { // ReadDir sorts by name
		if e.Type().IsRegular() && licenseFile.MatchString(e.Name()) {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				return nil, "", fmt.Errorf("reading a license: %w", err)
			}
			return b, e.Name(), nil
		}
	}
	return nil, "", nil
}

// writeDir makes dir hold exactly files: it writes those that differ and
// removes any other file, so that a file dropped from copies goes too.
func writeDir(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("reading %s: %w", dir, err)
	}
	for _, e := range entries {
		if _, keep := files[e.Name()]; !keep {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("removing a stale asset: %w", err)
			}
		}
	}
	for name, b := range files {
		p := filepath.Join(dir, name)
		if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, b) {
			continue
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return fmt.Errorf("writing an asset: %w", err)
		}
	}
	return nil
}
