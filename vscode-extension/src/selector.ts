// Which documents zerolock lints: the configured document filters, plus (optionally) Python
// files that import alembic's `op` and XML/YAML/JSON files that are Liquibase changelogs.
import * as vscode from 'vscode';

export interface Filter {
  language?: string;
  scheme?: string;
  pattern?: string;
}

const CONTENT_LANGUAGES = ['python', 'xml', 'yaml', 'json', 'jsonc'];
const ALEMBIC_RE = /^\s*from\s+alembic\s+import\s+(?:[^\n]*\bop\b)|^\s*import\s+alembic\b/m;
const LIQUIBASE_RE = /databaseChangeLog/;

export function configuredFilters(config: vscode.WorkspaceConfiguration): Filter[] {
  const raw = config.get<unknown>('documentSelector');
  if (!Array.isArray(raw)) {
    return [{ language: 'sql' }];
  }
  return raw.filter((f): f is Filter => typeof f === 'object' && f !== null);
}

// Every filter gets a scheme (file or untitled) so the server never sees git: or output: documents.
function withSchemes(filters: Filter[]): vscode.DocumentFilter[] {
  const out: vscode.DocumentFilter[] = [];
  for (const f of filters) {
    if (f.scheme) {
      out.push({ ...f } as vscode.DocumentFilter);
    } else {
      out.push({ ...f, scheme: 'file' } as vscode.DocumentFilter);
      if (!f.pattern) {
        out.push({ ...f, scheme: 'untitled' } as vscode.DocumentFilter);
      }
    }
  }
  return out;
}

export class MigrationSelector {
  readonly configured: vscode.DocumentFilter[];
  // What the language client is registered for: the configured filters, plus every document of a
  // content-detected language (filtered per document by `matches`).
  readonly clientSelector: vscode.DocumentFilter[];

  constructor(filters: Filter[], private readonly detectByContent: boolean) {
    this.configured = withSchemes(filters);
    const extra = detectByContent ? withSchemes(CONTENT_LANGUAGES.map((language) => ({ language }))) : [];
    this.clientSelector = [...this.configured, ...extra];
  }

  static contentMatches(document: vscode.TextDocument): boolean {
    const head = document.getText().slice(0, 20000);
    if (document.languageId === 'python') {
      return ALEMBIC_RE.test(head);
    }
    if (CONTENT_LANGUAGES.includes(document.languageId)) {
      return LIQUIBASE_RE.test(head);
    }
    return false;
  }

  matches(document: vscode.TextDocument): boolean {
    if (vscode.languages.match(this.configured, document) > 0) {
      return true;
    }
    return this.detectByContent && (document.uri.scheme === 'file' || document.uri.scheme === 'untitled') &&
      MigrationSelector.contentMatches(document);
  }

  matchesUri(uri: vscode.Uri): boolean {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    return doc ? this.matches(doc) : false;
  }
}
