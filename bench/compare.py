#!/usr/bin/env python3
"""Checks that sscgraph (port 5060), PostGraphile 4 (port 5055) and, where it
runs, PostGraphile 5 (port 5056) give the same answer to each query in queries/,
then times them with wrk in alternating runs and prints medians and ratios.
Started by side-by-side.sh."""
import argparse
import datetime
import itertools
import json
import os
import re
import statistics
import subprocess
import tempfile
import urllib.request

# offers past expiresAt are EXPIRED to sscgraph; the peers' q5 filters them out at this time
NOW = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

HERE = os.path.dirname(os.path.abspath(__file__))
SERVERS = {"sscgraph": "http://127.0.0.1:5060/graphql", "postgraphile": "http://127.0.0.1:5055/graphql",
           "postgraphile5": "http://127.0.0.1:5056/graphql"}
# Taken in for a query only when queries/NAME-qN.graphql exists and the server
# answers, so that a run without PostGraphile 5 works as before.
OPTIONAL = {"postgraphile5"}
LABEL = {"sscgraph": "ssc", "postgraphile": "PG4", "postgraphile5": "PG5"}
# Fields that hold a row's id, dropped before comparing: sscgraph's and
# PostGraphile 4's `id`, PostGraphile 5's `rowId` (its `id` is the Node ID).
IDS = {"id", "rowId"}
# PostGraphile's field names -> sscgraph's. PostGraphile 5 with the Amber
# preset (no simplify-inflection) and pg-many-to-many 2 names them as 4 does.
RENAME = {
    "allCountries": "countries", "allActivities": "activities", "allMatchOffers": "matchOffers",
    "activitiesByActivityBeneficiaryCountryCountryIdAndActivityId": "activities",
    "topicsByActivityTopicActivityIdAndTopicId": "topics",
    "consultantsByActivityConsultantActivityIdAndConsultantId": "consultants",
    "topicsByConsultantExpertiseConsultantIdAndTopicId": "expertise",
    "organizationByProviderId": "provider", "countryByCountryId": "country",
    "topicsByMatchOfferTopicMatchOfferIdAndTopicId": "topics",
    "allTopics": "topics",
    "consultantsByConsultantExpertiseTopicIdAndConsultantId": "consultants",
    "activitiesByActivityConsultantConsultantIdAndActivityId": "activities",
    "countriesByActivityBeneficiaryCountryActivityIdAndCountryId": "beneficiaryCountries",
}
LUA = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("%s", "r"); wrk.body = f:read("*a"); f:close()
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%.1f %%.2f %%.2f %%d %%d\\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def post(url, body):
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.load(r)


def norm(v):
    """One shape for both servers: connections become lists, ids dropped."""
    if isinstance(v, dict):
        if "edges" in v and set(v) <= {"edges", "totalCount"}:
            nodes = [norm(e["node"]) for e in v["edges"]]
            return {"totalCount": v["totalCount"], "nodes": nodes} if "totalCount" in v else nodes
        return {RENAME.get(k, k): norm(x) for k, x in v.items() if k not in IDS}
    if isinstance(v, list):
        return [norm(x) for x in v]
    if isinstance(v, str) and re.match(r"^\d{4}-\d\d-\d\dT", v):
        return instant(v)
    return v


def instant(v):
    """One spelling for a timestamp: '…T00:00:00Z', '…T00:00:00+00:00' and
    PostGraphile 5's '…T00:00:00.000000+00:00' are the same instant."""
    m = re.match(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?$", v)
    if not m:
        return v
    base, frac, tz = m.groups()
    tz = "+00:00" if tz in (None, "Z") else tz
    t = datetime.datetime.fromisoformat(f"{base}.{(frac or '0')[:6].ljust(6, '0')}{tz}")
    return t.astimezone(datetime.timezone.utc).isoformat().replace("+00:00", "Z")


def first_difference(a, b, path="data"):
    if type(a) is not type(b):
        return path
    if isinstance(a, dict):
        for k in a:
            if k not in b:
                return f"{path}.{k}"
            d = first_difference(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        extra = next((k for k in b if k not in a), None)
        return f"{path}.{extra} (only in the second)" if extra else None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path} (length {len(a)} vs {len(b)})"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path} ({a!r} vs {b!r})"


def wrk(url, body_file, secs, conns, work):
    lua = os.path.join(work, "post.lua")
    with open(lua, "w") as f:
        f.write(LUA % body_file)
    threads = "1" if conns == 1 else "2"
    out = subprocess.run(["wrk", "-t" + threads, f"-c{conns}", f"-d{secs}s", "--timeout", "10s", "--latency", "-s", lua, url],
                         capture_output=True, text=True).stdout
    line = next((l for l in out.splitlines() if l.startswith("RESULT")), None)
    if not line:
        return None
    rps, p50, p99, non2xx, errors = line.split()[1:]
    if int(non2xx) or int(errors):
        return None  # a run with failures is void
    return float(rps), float(p50), float(p99)


def answers_to(url):
    try:
        return "data" in post(url, json.dumps({"query": "{__typename}"}).encode())
    except (OSError, ValueError):
        return False


def ratio(a, b):
    return f"{a / b:.2f}" if a and b else "-"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--secs", type=int, default=15)
    ap.add_argument("--conns", type=int, default=16)
    ap.add_argument("--work", default=tempfile.mkdtemp())
    ap.add_argument("--check-only", action="store_true", help="compare the answers, time nothing")
    ap.add_argument("queries", nargs="+")
    a = ap.parse_args()
    servers = dict(SERVERS)
    for name in OPTIONAL:
        if not answers_to(servers[name]):
            print(f"{name}: nothing answers at {servers[name]}, left out", flush=True)
            del servers[name]
    rows = []
    differ = False
    for q in a.queries:
        bodies = {}
        for name in servers:
            src = os.path.join(HERE, "queries", f"{name}-{q}.graphql")
            if name in OPTIONAL and not os.path.exists(src):
                continue
            with open(src) as f:
                path = os.path.join(a.work, f"{name}-{q}.json")
                with open(path, "w") as out:
                    json.dump({"query": f.read().replace("__NOW__", NOW)}, out)
                bodies[name] = path
        answers = {n: post(servers[n], open(bodies[n], "rb").read()) for n in bodies}
        for n, ans in answers.items():
            if ans.get("errors") or not ans.get("data"):
                raise SystemExit(f"{q}: {n} answered with errors: {json.dumps(ans)[:400]}")
        normed = {n: norm(ans["data"]) for n, ans in answers.items()}
        diffs = {}
        for x, y in itertools.combinations(bodies, 2):
            d = first_difference(normed[x], normed[y])
            if d:
                diffs[(x, y)] = d
                print(f"{q}: ANSWERS DIFFER, {x} vs {y}, first at {d}", flush=True)
        if not diffs:
            print(f"{q}: same answer from " + ("both" if len(bodies) == 2 else f"all {len(bodies)}"), flush=True)
        differ = differ or bool(diffs)
        if a.check_only:
            continue
        runs = {n: [] for n in bodies}
        for name in bodies:
            wrk(servers[name], bodies[name], 3, a.conns, a.work)  # warm-up
        for r in range(a.rounds):
            for name in bodies:
                res = wrk(servers[name], bodies[name], a.secs, a.conns, a.work)
                print(f"  {q} round {r + 1} {name}: " + ("void (failed requests)" if res is None else
                      f"{res[0]:.1f} req/s, p50 {res[1]:.1f} ms, p99 {res[2]:.1f} ms"), flush=True)
                if res:
                    runs[name].append(res)
        rows.append((q, runs, diffs))
    if a.check_only:
        raise SystemExit(1 if differ else 0)
    print(f"\n{a.conns} connections, {a.secs} s runs, medians of {a.rounds} alternating rounds")
    print(f"{'query':6} {'sscgraph req/s':>15} {'PG4 req/s':>10} {'PG5 req/s':>10} {'ssc/PG4':>8} {'ssc/PG5':>8}"
          f"  {'p50 ms (ssc/PG4/PG5)':<24} answers")
    for q, runs, diffs in rows:
        rps, p50 = {}, {}
        for name, rs in runs.items():
            if rs:
                rps[name] = statistics.median(x[0] for x in rs)
                p50[name] = statistics.median(x[1] for x in rs)
        if "sscgraph" not in rps or "postgraphile" not in rps:
            print(f"{q:6} no valid runs")
            continue
        s4, s5 = rps.get("postgraphile"), rps.get("postgraphile5")
        lat = " / ".join(f"{p50[n]:.1f}" if n in p50 else "-" for n in SERVERS)
        ans = "same" if not diffs else "DIFFER (" + ", ".join(f"{LABEL[x]} vs {LABEL[y]}" for x, y in diffs) + ")"
        print(f"{q:6} {rps['sscgraph']:15.1f} {s4:10.1f} " + (f"{s5:10.1f}" if s5 else f"{'-':>10}") +
              f" {ratio(rps['sscgraph'], s4):>8} {ratio(rps['sscgraph'], s5):>8}  {lat:<24} {ans}")


if __name__ == "__main__":
    main()
