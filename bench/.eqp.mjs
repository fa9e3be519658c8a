import Database from 'better-sqlite3';
const db = new Database(process.argv[2] + '/hookscope.db', { readonly: true });
for (const sql of [
  "SELECT seq FROM events e WHERE e.sig_status IN ('invalid') ORDER BY e.seq DESC LIMIT 201",
  "SELECT seq FROM events e WHERE e.sig_status IN ('invalid','stale','future','missing') ORDER BY e.seq DESC LIMIT 201",
  "SELECT seq FROM events e WHERE e.endpoint_id = 'x' AND e.method = 'GET' ORDER BY e.seq DESC LIMIT 201",
]) { console.log(sql); for (const r of db.prepare('EXPLAIN QUERY PLAN ' + sql).all()) console.log('  ', r.detail); }
