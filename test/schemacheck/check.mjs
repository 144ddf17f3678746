// Breaking-change check of the GraphQL schema, run by .ci/run:
//
//   node test/schemacheck/check.mjs [--history] BASELINE SCHEMA CHANGELOG
//
// 1. graphql-inspector compares BASELINE (the schema as last released)
//    with SCHEMA (the schema now). A breaking difference fails unless
//    CHANGELOG's "## Unreleased" section names its path in backticks
//    (acknowledged.cjs).
// 2. With --history, every commit that moved BASELINE in git (and the
//    working copy, if it differs from HEAD) is checked the same way
//    against the CHANGELOG of that commit, anywhere in it: the baseline
//    may only move together with the entry naming what broke, so copying
//    the schema over the baseline cannot hide a breaking change.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const inspector = join(here, 'node_modules', '.bin', 'graphql-inspector');
const rule = join(here, 'acknowledged.cjs');

// diff runs graphql-inspector and reports whether it found no breaking
// change that the changelog leaves unnamed.
function diff(oldSchema, newSchema, changelog, section) {
  const r = spawnSync(inspector, ['diff', oldSchema, newSchema, '--rule', rule], {
    stdio: 'inherit',
    env: { ...process.env, SCHEMACHECK_CHANGELOG: changelog, SCHEMACHECK_SECTION: section },
  });
  if (r.error) {
    throw new Error(`running ${inspector} (npm ci in test/schemacheck): ${r.error.message}`);
  }
  return r.status === 0;
}

// git runs git in the current directory, where the paths given are.
function git(...args) {
  const r = spawnSync('git', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { ok: r.status === 0, out: r.stdout ?? '' };
}

// history checks each move of the baseline; it returns the moves that
// broke the schema without naming it.
function history(baseline, changelog) {
  const path = (file) => git('ls-files', '--full-name', '--', file).out.trim();
  const base = path(baseline);
  const log = path(changelog);
  if (!base || !log) {
    throw new Error(`--history: ${baseline} and ${changelog} must be committed`);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'schemacheck-'));
  const bad = [];
  try {
    const write = (name, text) => {
      const f = join(tmp, name);
      writeFileSync(f, text);
      return f;
    };
    const moves = git('log', '--format=%H', '--', `:(top)${base}`).out.split('\n').filter(Boolean);
    for (const c of moves) {
      const before = git('show', `${c}^:${base}`);
      if (!before.ok) {
        continue; // the commit that added the baseline
      }
      console.log(`\n== baseline moved in ${c.slice(0, 12)}`);
      const ok = diff(write('old.graphql', before.out), write('new.graphql', git('show', `${c}:${base}`).out),
        write('CHANGELOG.md', git('show', `${c}:${log}`).out), 'all');
      if (!ok) {
        bad.push(c.slice(0, 12));
      }
    }
    const head = git('show', `HEAD:${base}`);
    if (head.ok && head.out !== readFileSync(baseline, 'utf8')) {
      console.log('\n== baseline moved in the working copy');
      if (!diff(write('old.graphql', head.out), baseline, changelog, 'all')) {
        bad.push('working copy');
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return bad;
}

const args = process.argv.slice(2);
const withHistory = args[0] === '--history';
const [baseline, schema, changelog] = withHistory ? args.slice(1) : args;
if (!baseline || !schema || !changelog) {
  console.error('usage: node check.mjs [--history] BASELINE SCHEMA CHANGELOG');
  process.exit(2);
}

let failed = false;
console.log(`== ${schema} against ${baseline}`);
if (!diff(baseline, schema, changelog, 'unreleased')) {
  console.error(`\nschemacheck: a breaking change is not named in ${changelog}'s "## Unreleased" section: ` +
    'add an entry that names its path in backticks (e.g. `APIKey.hint`), or undo the change');
  failed = true;
}
if (withHistory) {
  const bad = history(baseline, changelog);
  if (bad.length > 0) {
    console.error(`\nschemacheck: ${baseline} moved over a breaking change that CHANGELOG did not name, in: ${bad.join(', ')}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
