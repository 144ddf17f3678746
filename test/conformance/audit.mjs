// Runs graphql-http's GraphQL-over-HTTP audits against a started sscgraph
// and fails when any MUST or SHOULD audit fails. Usage:
//
//   node audit.mjs http://127.0.0.1:8080/graphql
//
// The MAY results are printed for the README.
import { auditServer } from 'graphql-http';

const url = process.argv[2] ?? process.env.SSCGRAPH_URL ?? 'http://127.0.0.1:8080/graphql';
const results = await auditServer({ url });

const counts = {};
let failed = 0;
for (const r of results) {
  const level = r.name.match(/^(MUST|SHOULD|MAY)/)?.[1] ?? 'OTHER';
  counts[level] ??= { ok: 0, warn: 0, error: 0 };
  counts[level][r.status]++;
  const bad = r.status !== 'ok' && (level === 'MUST' || level === 'SHOULD');
  if (bad) failed++;
  const mark = r.status === 'ok' ? 'ok  ' : r.status === 'warn' ? 'warn' : 'FAIL';
  if (r.status !== 'ok' || level === 'MAY' || process.env.VERBOSE) {
    console.log(`${mark} ${r.id} ${r.name}${r.status !== 'ok' ? `\n       ${r.reason}` : ''}`);
  }
}
for (const [level, c] of Object.entries(counts)) {
  console.log(`${level}: ${c.ok} ok, ${c.warn} warn, ${c.error} error`);
}
if (failed > 0) {
  console.log(`${failed} MUST/SHOULD audits did not pass`);
  process.exit(1);
}
console.log('every MUST and SHOULD audit passes');
