// "Show Lock Report": runs `zerolock locks --format json FILE` and renders a per-statement lock
// timeline (which relation is locked in which mode by which statement) in a webview.

export interface ReportLock {
  relation: string;
  mode: string;
  role?: string;
}

export interface ReportStatement {
  index: number;
  line?: number; // 1-based
  text: string;
  locks: ReportLock[];
  rewrite: boolean;
  scan: boolean;
  transactional?: boolean;
  known?: boolean;
  note?: string;
  blocks?: string;
  rules: string[];
  // 'commit' when the locks are held until the transaction ends (at statement `commitIndex`).
  heldUntil?: string;
  commitIndex?: number;
}

export interface LockReport {
  file?: string;
  statements: ReportStatement[];
}

// Strongest first, so the report can colour by severity.
export const LOCK_MODES = [
  'ACCESS EXCLUSIVE',
  'EXCLUSIVE',
  'SHARE ROW EXCLUSIVE',
  'SHARE',
  'SHARE UPDATE EXCLUSIVE',
  'ROW EXCLUSIVE',
  'ROW SHARE',
  'ACCESS SHARE',
];

function normalizeMode(raw: unknown): string {
  if (typeof raw !== 'string') {
    return String(raw ?? '');
  }
  // "AccessExclusiveLock" -> "ACCESS EXCLUSIVE"
  const s = raw.replace(/Lock$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]/g, ' ');
  return s.toUpperCase().trim();
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

type Obj = Record<string, unknown>;

function asObj(v: unknown): Obj {
  return typeof v === 'object' && v !== null ? (v as Obj) : {};
}

function lineOf(s: Obj): number | undefined {
  const direct = num(s.line) ?? num(s.start_line) ?? num(s.startLine);
  if (direct !== undefined) {
    return direct;
  }
  const range = asObj(s.range);
  const start = asObj(range.start);
  const l = num(start.line);
  if (l !== undefined) {
    return l + 1; // LSP-style 0-based
  }
  return undefined;
}

function locksOf(s: Obj): ReportLock[] {
  const raw = s.locks ?? s.relations ?? asObj(s.effect).locks ?? asObj(s.lock).locks ?? [];
  const out: ReportLock[] = [];
  if (Array.isArray(raw)) {
    for (const l of raw) {
      const o = asObj(l);
      const relation = str(o.relation) ?? str(o.table) ?? str(o.name) ?? '?';
      out.push({ relation, mode: normalizeMode(o.mode ?? o.lock ?? o.lock_mode), role: str(o.role) });
    }
  } else if (typeof raw === 'object' && raw !== null) {
    // { "orders": "ACCESS EXCLUSIVE" }
    for (const [relation, mode] of Object.entries(raw as Obj)) {
      out.push({ relation, mode: normalizeMode(mode) });
    }
  }
  const single = asObj(s.lock);
  if (out.length === 0 && single.mode && Array.isArray(single.relations)) {
    for (const r of single.relations) {
      out.push({ relation: String(r), mode: normalizeMode(single.mode) });
    }
  }
  return out;
}

// Accepts the documented shape and a few tolerated variants; see tests.
export function parseLockReport(json: unknown): LockReport {
  let root = asObj(json);
  if (Array.isArray(json)) {
    root = { statements: json };
  } else if (Array.isArray(root.files) && root.files.length > 0) {
    root = asObj(root.files[0]);
  }
  const rawStatements = Array.isArray(root.statements) ? root.statements : [];
  const statements = rawStatements.map((raw, i): ReportStatement => {
    const s = asObj(raw);
    const effect = asObj(s.effect);
    const rules = Array.isArray(s.rules) ? s.rules.map(String)
      : Array.isArray(s.diagnostics) ? s.diagnostics.map((d) => String(asObj(d).rule ?? asObj(d).code ?? '')) : [];
    return {
      index: num(s.index) ?? num(s.statement) ?? i,
      line: lineOf(s),
      text: str(s.text) ?? str(s.sql) ?? str(s.statement) ?? str(s.summary) ?? '',
      locks: locksOf(s),
      rewrite: Boolean(s.rewrite ?? effect.rewrite),
      scan: Boolean(s.scan ?? effect.scan),
      transactional: (s.transactional ?? effect.transactional) as boolean | undefined,
      known: (s.known ?? effect.known) as boolean | undefined,
      note: str(s.note) ?? str(effect.note),
      blocks: str(s.blocks) ?? (Array.isArray(s.blocks) ? s.blocks.join(', ') : undefined),
      rules: rules.filter((r) => r !== ''),
      heldUntil: str(s.held_until) ?? str(s.heldUntil),
      commitIndex: num(asObj(s.commit).statement),
    };
  });
  return { file: str(root.file) ?? str(root.path), statements };
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function modeClass(mode: string): string {
  const rank = LOCK_MODES.indexOf(mode);
  if (rank < 0) {
    return 'unknown';
  }
  if (rank <= 3) {
    return 'severe'; // blocks writes (ACCESS EXCLUSIVE: reads too)
  }
  if (rank === 4) {
    return 'moderate'; // SHARE UPDATE EXCLUSIVE: blocks DDL, VACUUM, CREATE INDEX
  }
  return 'mild';
}

export function renderLockReport(report: LockReport, title: string, nonce: string): string {
  const relations: string[] = [];
  for (const s of report.statements) {
    for (const l of s.locks) {
      if (!relations.includes(l.relation)) {
        relations.push(l.relation);
      }
    }
  }
  // Locks taken inside a transaction stay held until its commit: later rows show them as held.
  const held: Map<string, string>[] = report.statements.map(() => new Map());
  report.statements.forEach((s, i) => {
    const end = s.heldUntil !== 'commit' ? i : s.commitIndex ?? report.statements.length - 1; // no commit: end of file
    for (let j = i + 1; j <= end && j < report.statements.length; j++) {
      for (const l of s.locks) {
        const prev = held[j].get(l.relation);
        if (!prev || LOCK_MODES.indexOf(l.mode) < LOCK_MODES.indexOf(prev)) {
          held[j].set(l.relation, l.mode);
        }
      }
    }
  });
  const head = relations.map((r) => `<th class="rel">${escapeHtml(r)}</th>`).join('');
  const rows = report.statements.map((s, i) => {
    const cells = relations.map((r) => {
      const ls = s.locks.filter((l) => l.relation === r);
      if (ls.length === 0) {
        const h = held[i].get(r);
        return h ? `<td class="held ${modeClass(h)}" title="still held from an earlier statement">${escapeHtml(h)} (held)</td>`
          : '<td class="none"></td>';
      }
      return `<td class="${modeClass(ls[0].mode)}">${ls.map((l) => escapeHtml(l.mode)).join('<br>')}</td>`;
    }).join('');
    const flags = [
      s.rewrite ? '<span class="flag rewrite">rewrite</span>' : '',
      s.scan ? '<span class="flag scan">scan</span>' : '',
      s.transactional === false ? '<span class="flag">no transaction</span>' : '',
      s.known === false ? '<span class="flag">locks not modelled</span>' : '',
      s.heldUntil === 'commit' ? '<span class="flag">held until commit</span>' : '',
    ].join('');
    const text = s.text.length > 160 ? s.text.slice(0, 157) + '…' : s.text;
    const rules = s.rules.length ? `<div class="rules">${s.rules.map(escapeHtml).join(', ')}</div>` : '';
    const note = s.note ? `<div class="note">${escapeHtml(s.note)}</div>` : '';
    return `<tr><td class="line">${s.line ?? s.index + 1}</td><td class="stmt"><code>${escapeHtml(text)}</code>${rules}${note}</td>${cells}<td>${flags}</td></tr>`;
  }).join('\n');
  const body = report.statements.length === 0
    ? '<p>No statements found in this migration.</p>'
    : `<table><thead><tr><th>line</th><th>statement</th>${head}<th></th></tr></thead><tbody>${rows}</tbody></table>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}';">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid var(--vscode-panel-border, #8884); padding: 4px 6px; vertical-align: top; text-align: left; }
th.rel { font-family: var(--vscode-editor-font-family); }
td.line { text-align: right; color: var(--vscode-descriptionForeground); }
td.stmt code { white-space: pre-wrap; font-family: var(--vscode-editor-font-family); }
.severe { background: #d32f2f55; }
td.severe { font-weight: bold; }
.moderate { background: #f9a82555; }
.mild { background: #388e3c40; }
td.held { opacity: 0.6; font-weight: normal; font-style: italic; }
.flag { display: inline-block; margin: 0 4px 2px 0; padding: 0 4px; border-radius: 3px; background: #8883; }
.flag.rewrite, .flag.scan { background: #d32f2f44; }
.rules, .note { font-size: 90%; color: var(--vscode-descriptionForeground); }
.legend span { display: inline-block; margin: 0 1em 4px 0; padding: 0 4px; }
</style></head>
<body>
<h2>Lock report: ${escapeHtml(title)}</h2>
<p>One row per statement, one column per relation: the lock mode the statement takes, and (in italics) locks still held from earlier statements of the same transaction.</p>
<p class="legend"><span class="severe">blocks writes (ACCESS EXCLUSIVE: reads too)</span><span class="moderate">blocks schema changes, VACUUM, CREATE INDEX</span><span class="mild">blocks only stronger locks</span></p>
${body}
</body></html>`;
}

export function lockReportMarkdown(report: LockReport, title: string): string {
  const lines = [`# Lock report: ${title}`, '', '| line | statement | locks | rewrite | scan |', '|---|---|---|---|---|'];
  for (const s of report.statements) {
    const locks = s.locks.map((l) => `${l.mode} on \`${l.relation}\``).join('<br>') || '—';
    const text = s.text.replace(/\s+/g, ' ').replace(/\|/g, '\\|');
    lines.push(`| ${s.line ?? s.index + 1} | \`${text.length > 100 ? text.slice(0, 97) + '…' : text}\` | ${locks} | ${s.rewrite ? 'yes' : ''} | ${s.scan ? 'yes' : ''} |`);
  }
  return lines.join('\n') + '\n';
}
