// Unit tests of the lock report (parse `zerolock locks --format json`, render the timeline).
// Run by scripts/test.mjs, which bundles src/lockReport.ts first.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const { parseLockReport, renderLockReport, lockReportMarkdown } = await import(process.env.LOCK_REPORT_MODULE);
const json = JSON.parse(readFileSync(new URL('./locks-V2__orders_index.json', import.meta.url), 'utf8'));

test('parses the statements of zerolock locks --format json', () => {
  const r = parseLockReport(json);
  assert.equal(r.statements.length, 2);
  const [create, alter] = r.statements;
  assert.equal(create.line, 2);
  assert.deepEqual(create.locks, [{ relation: 'orders', mode: 'SHARE', role: undefined }]);
  assert.equal(create.scan, true);
  assert.equal(create.heldUntil, 'commit');
  assert.equal(alter.line, 4);
  assert.equal(alter.locks[0].mode, 'ACCESS EXCLUSIVE');
  assert.equal(alter.rewrite, true);
});

test('normalizes pg_locks spellings and tolerates other shapes', () => {
  const r = parseLockReport({ statements: [{ text: 'x', locks: [{ table: 't', mode: 'AccessExclusiveLock' }] }] });
  assert.equal(r.statements[0].locks[0].mode, 'ACCESS EXCLUSIVE');
  assert.equal(r.statements[0].locks[0].relation, 't');
  assert.deepEqual(parseLockReport({}).statements, []);
});

test('renders a timeline: locks held until commit show on later rows', () => {
  const r = parseLockReport({ files: [{ statements: [
    { text: 'CREATE INDEX i ON a (x);', held_until: 'commit', commit: null, locks: [{ relation: 'a', mode: 'SHARE' }] },
    { text: 'ALTER TABLE b ADD c int;', held_until: 'commit', commit: null, locks: [{ relation: 'b', mode: 'ACCESS EXCLUSIVE' }] },
  ] }] });
  const html = renderLockReport(r, 'm.sql', 'n0nce');
  assert.match(html, /<th class="rel">a<\/th><th class="rel">b<\/th>/);
  assert.match(html, /SHARE \(held\)/);
  assert.match(html, /nonce-n0nce/);
  assert.doesNotMatch(html, / style="/, 'inline styles are blocked by the webview CSP');
  assert.match(lockReportMarkdown(r, 'm.sql'), /ACCESS EXCLUSIVE on `b`/);
});

test('escapes statement text', () => {
  const html = renderLockReport(parseLockReport({ statements: [{ text: "SELECT '<script>'", locks: [] }] }), 't', 'n');
  assert.ok(!html.includes('<script>'));
});
