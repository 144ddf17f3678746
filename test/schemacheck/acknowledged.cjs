// A graphql-inspector diff rule (`--rule acknowledged.cjs`): a breaking
// change that CHANGELOG.md names is acknowledged, so it is reported as
// dangerous and no longer fails the diff; any other breaking change still
// does.
//
// The convention (README "Changing the schema"): a breaking change is
// named when its schema path, as graphql-inspector reports it, appears in
// backticks, e.g. `APIKey.hint` for a removed field or
// `Query.activities.first` for a changed argument.
//
// SCHEMACHECK_CHANGELOG is the CHANGELOG to read. SCHEMACHECK_SECTION is
// "unreleased" (the default: only the "## Unreleased" section counts, since
// that is what the next release tells clients) or "all" (check.mjs's
// history check, where an entry may since have moved into a release).
'use strict';

const fs = require('fs');

// named returns the set of backticked words in the part of the changelog
// that counts.
function named(text, section) {
  if (section !== 'all') {
    const lines = text.split('\n');
    const start = lines.findIndex((l) => /^##\s+\[?Unreleased\]?\s*$/i.test(l));
    if (start < 0) {
      return new Set();
    }
    let end = lines.findIndex((l, i) => i > start && /^##\s/.test(l));
    if (end < 0) {
      end = lines.length;
    }
    text = lines.slice(start + 1, end).join('\n');
  }
  return new Set([...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1].trim()));
}

module.exports = function acknowledged({ changes }) {
  const file = process.env.SCHEMACHECK_CHANGELOG;
  if (!file) {
    throw new Error('SCHEMACHECK_CHANGELOG must name the CHANGELOG to read');
  }
  const names = named(fs.readFileSync(file, 'utf8'), process.env.SCHEMACHECK_SECTION || 'unreleased');
  return changes.map((change) => {
    if (change.criticality.level !== 'BREAKING' || !change.path || !names.has(change.path)) {
      return change;
    }
    return {
      ...change,
      message: `${change.message} (breaking, named in CHANGELOG as \`${change.path}\`)`,
      criticality: { ...change.criticality, level: 'DANGEROUS' },
    };
  });
};
