// zerolock for VS Code: starts `zerolock lsp` over stdio with vscode-languageclient, and adds
// commands (restart, lock report, explain rule, fix all) and a status bar item.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  CloseAction,
  DidChangeConfigurationNotification,
  DocumentSelector,
  CloseHandlerResult,
  ErrorAction,
  ErrorHandlerResult,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
  TransportKind,
  vsdiag,
} from 'vscode-languageclient/node';

import { LockReport, lockReportMarkdown, parseLockReport, renderLockReport } from './lockReport';
import { configuredFilters, MigrationSelector } from './selector';
import { findServer, FoundServer } from './serverPath';

const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('zerolock');
const RESTART_WINDOW_MS = 3 * 60 * 1000;

let client: LanguageClient | undefined;
let server: FoundServer | undefined;
let selector: MigrationSelector | undefined;
let statusItem: vscode.StatusBarItem;
let output: vscode.OutputChannel;
let traceOutput: vscode.OutputChannel;
let extensionPath = '';
let lastError = '';
let restarts: number[] = [];
let starting: Promise<void> | undefined;

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('zerolock');
}

function workspaceFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

type UiState = 'starting' | 'running' | 'stopped' | 'failed' | 'missing';

function setStatus(state: UiState, detail?: string): void {
  const where = server ? `\n\nServer: ${server.command} (${server.source})` : '';
  switch (state) {
    case 'starting':
      statusItem.text = '$(sync~spin) zerolock';
      statusItem.tooltip = 'zerolock: starting the language server…' + where;
      statusItem.backgroundColor = undefined;
      break;
    case 'running':
      statusItem.text = '$(shield) zerolock';
      statusItem.tooltip = 'zerolock: language server running' + where + '\n\nClick for actions.';
      statusItem.backgroundColor = undefined;
      break;
    case 'stopped':
      statusItem.text = '$(circle-slash) zerolock';
      statusItem.tooltip = 'zerolock: language server stopped' + where + '\n\nClick to restart.';
      statusItem.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      break;
    case 'failed':
    case 'missing':
      statusItem.text = '$(error) zerolock';
      statusItem.tooltip = `zerolock: ${detail ?? 'language server failed'}` + where;
      statusItem.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      break;
  }
  void vscode.commands.executeCommand('setContext', 'zerolock.serverState', state);
  statusItem.show();
}

// The `zerolock` section as the server reads it. The setting names are the documented ones
// (postgresVersion, inlayHints.enabled); the aliases (pgVersion, inlayHints.enable) are the
// spellings the server's settings parser has accepted, so either server version works.
export function serverSettings(section: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...section };
  delete out.server;
  delete out.trace;
  delete out.documentSelector;
  delete out.detectByContent;
  if (section.postgresVersion !== undefined && out.pgVersion === undefined) {
    out.pgVersion = section.postgresVersion;
  }
  const hints = section.inlayHints as { enabled?: boolean } | undefined;
  if (hints && typeof hints.enabled === 'boolean') {
    out.inlayHints = { ...hints, enable: hints.enabled };
  }
  return out;
}

function settingsForServer(): Record<string, unknown> {
  const c = config();
  return serverSettings({
    postgresVersion: c.get('postgresVersion'),
    rules: c.get('rules'),
    tables: c.get('tables'),
    inlayHints: { enabled: c.get('inlayHints.enabled') },
    lockTimeout: c.get('lockTimeout'),
  });
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const found = findServer(config().get<string>('server.path') ?? '', extensionPath, workspaceFolder());
  if ('error' in found) {
    server = undefined;
    lastError = found.error;
    setStatus('missing', found.error);
    output.appendLine(`${found.error}\nFix: ${found.fix}`);
    const choice = await vscode.window.showErrorMessage(`${found.error} ${found.fix}`, 'Open Settings', 'Show Output');
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'zerolock.server.path');
    } else if (choice === 'Show Output') {
      output.show();
    }
    return;
  }
  server = found;
  selector = new MigrationSelector(configuredFilters(config()), config().get<boolean>('detectByContent') ?? true);
  const sel = selector;
  const args = ['lsp', ...(config().get<string[]>('server.extraArgs') ?? [])];
  const serverOptions: ServerOptions = {
    // TransportKind.stdio makes the client append `--stdio`, which `zerolock lsp` accepts.
    run: { command: found.command, args, transport: TransportKind.stdio },
    debug: { command: found.command, args: [...args, '--log-level', 'debug'], transport: TransportKind.stdio },
  };
  const maxRestarts = config().get<number>('server.maxRestarts') ?? 4;
  const skip = (doc: vscode.TextDocument): boolean => !sel.matches(doc);
  const clientOptions: LanguageClientOptions = {
    documentSelector: sel.clientSelector as DocumentSelector,
    outputChannel: output,
    traceOutputChannel: traceOutput,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationOptions: { settings: settingsForServer() },
    diagnosticPullOptions: {
      onChange: true,
      onSave: true,
      filter: (doc) => skip(doc),
      match: (_selector, uri) => sel.matchesUri(uri),
    },
    // Documents of a content-detected language that are not migrations never reach the server.
    middleware: {
      workspace: {
        // workspace/configuration: answer section "zerolock" with the aliased settings.
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) {
            return result;
          }
          return result.map((value, i) => (params.items[i]?.section === 'zerolock' ? settingsForServer() : value));
        },
      },
      didOpen: (doc, next) => (skip(doc) ? Promise.resolve() : next(doc)),
      didChange: (e, next) => (skip(e.document) ? Promise.resolve() : next(e)),
      didClose: (doc, next) => (skip(doc) ? Promise.resolve() : next(doc)),
      didSave: (doc, next) => (skip(doc) ? Promise.resolve() : next(doc)),
      willSave: (e, next) => (skip(e.document) ? Promise.resolve() : next(e)),
      provideHover: (doc, pos, token, next) => (skip(doc) ? undefined : next(doc, pos, token)),
      provideCodeActions: (doc, range, ctx, token, next) => (skip(doc) ? [] : next(doc, range, ctx, token)),
      provideInlayHints: (doc, range, token, next) =>
        (skip(doc) || !config().get<boolean>('inlayHints.enabled', true) ? [] : next(doc, range, token)),
      provideDocumentSymbols: (doc, token, next) => (skip(doc) ? [] : next(doc, token)),
      provideDiagnostics: (doc, prev, token, next) => {
        if (doc instanceof vscode.Uri ? !sel.matchesUri(doc) : skip(doc)) {
          return { kind: vsdiag.DocumentDiagnosticReportKind.full, items: [] };
        }
        return next(doc, prev, token);
      },
    },
    errorHandler: {
      error: (): ErrorHandlerResult => ({ action: ErrorAction.Continue }),
      closed: (): CloseHandlerResult => {
        const now = Date.now();
        restarts = restarts.filter((t) => now - t < RESTART_WINDOW_MS);
        restarts.push(now);
        if (restarts.length > maxRestarts) {
          lastError = `the server stopped ${restarts.length} times in 3 minutes`;
          setStatus('failed', lastError);
          void vscode.window
            .showErrorMessage(`zerolock: ${lastError}; not restarting it. See the output for its last words.`, 'Restart', 'Show Output')
            .then((c) => {
              if (c === 'Restart') {
                void vscode.commands.executeCommand('zerolock.restartServer');
              } else if (c === 'Show Output') {
                output.show();
              }
            });
          return { action: CloseAction.DoNotRestart, handled: true };
        }
        output.appendLine(`zerolock: the server stopped; restarting it (${restarts.length}/${maxRestarts}).`);
        return { action: CloseAction.Restart, handled: true };
      },
    },
  };
  const c = new LanguageClient('zerolock', 'zerolock', serverOptions, clientOptions);
  c.onDidChangeState((e) => {
    if (e.newState === State.Running) {
      setStatus('running');
    } else if (e.newState === State.Starting) {
      setStatus('starting');
    } else if (statusItem.text.indexOf('$(error)') < 0) {
      setStatus('stopped');
    }
  });
  client = c;
  setStatus('starting');
  output.appendLine(`zerolock: starting ${found.command} ${args.join(' ')} --stdio (found via ${found.source})`);
  try {
    await c.start();
  } catch (e) {
    lastError = e instanceof Error ? e.message : String(e);
    setStatus('failed', lastError);
    output.appendLine(`zerolock: the server failed to start: ${lastError}`);
    void vscode.window.showErrorMessage(
      `zerolock: the language server (${found.command}) failed to start: ${lastError}. Check that it is a zerolock build with the \`lsp\` subcommand, or set zerolock.server.path.`,
      'Open Settings', 'Show Output',
    ).then((choice) => {
      if (choice === 'Open Settings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', 'zerolock.server.path');
      } else if (choice === 'Show Output') {
        output.show();
      }
    });
  }
  context.subscriptions.push({ dispose: () => void c.stop() });
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop(5000);
    } catch (e) {
      output.appendLine(`zerolock: stopping the server: ${String(e)}`);
    }
  }
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  if (starting) {
    await starting;
  }
  starting = (async () => {
    restarts = [];
    await stopClient();
    await startClient(context);
  })();
  try {
    await starting;
  } finally {
    starting = undefined;
  }
}

function showLockReportPanel(report: LockReport, title: string): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel('zerolock.lockReport', `Locks: ${title}`, vscode.ViewColumn.Beside, {
    enableScripts: false,
  });
  const nonce = Math.random().toString(36).slice(2) + Date.now().toString(36);
  panel.webview.html = renderLockReport(report, title, nonce);
  return panel;
}

function runZerolock(args: string[], cwd: string | undefined): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve, reject) => {
    if (!server) {
      reject(new Error(lastError || 'no zerolock binary found; set zerolock.server.path'));
      return;
    }
    execFile(server.command, args, { cwd, maxBuffer: 32 * 1024 * 1024, timeout: 60000 }, (err, stdout, stderr) => {
      const code = err && typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number'
        ? (err as unknown as { code: number }).code : err ? -1 : 0;
      if (err && code === -1) {
        reject(new Error(`${server?.command} ${args.join(' ')}: ${err.message}`));
        return;
      }
      resolve({ stdout, stderr, code });
    });
  });
}

function activeMigration(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('zerolock: open a migration first.');
    return undefined;
  }
  return editor;
}

// The document's text as a file the CLI can read: the file itself when saved, else a copy in a
// temporary folder that keeps the parent folder's name (front ends look at `versions/` etc.).
function fileForCli(doc: vscode.TextDocument): { file: string; cleanup: () => void } {
  if (doc.uri.scheme === 'file' && !doc.isDirty) {
    return { file: doc.uri.fsPath, cleanup: () => undefined };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zerolock-'));
  const parent = doc.uri.scheme === 'file' ? path.basename(path.dirname(doc.uri.fsPath)) : 'migrations';
  const base = doc.uri.scheme === 'file' ? path.basename(doc.uri.fsPath)
    : `migration.${doc.languageId === 'python' ? 'py' : doc.languageId === 'sql' ? 'sql' : doc.languageId}`;
  fs.mkdirSync(path.join(dir, parent));
  const file = path.join(dir, parent, base);
  fs.writeFileSync(file, doc.getText());
  return { file, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function showLockReport(): Promise<void> {
  const editor = activeMigration();
  if (!editor) {
    return;
  }
  const doc = editor.document;
  const { file, cleanup } = fileForCli(doc);
  try {
    const r = await runZerolock(['locks', '--format', 'json', file], workspaceFolder() ?? path.dirname(file));
    if (r.code !== 0 && r.stdout.trim() === '') {
      throw new Error(r.stderr.trim() || `exit status ${r.code}`);
    }
    const report = parseLockReport(JSON.parse(r.stdout));
    const title = path.basename(doc.uri.fsPath || doc.uri.path);
    showLockReportPanel(report, title);
    output.appendLine(lockReportMarkdown(report, title));
  } catch (e) {
    void vscode.window.showErrorMessage(`zerolock: could not build the lock report: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    cleanup();
  }
}

function ruleOf(d: vscode.Diagnostic): string | undefined {
  const code = typeof d.code === 'object' && d.code !== null ? d.code.value : d.code;
  return code === undefined ? undefined : String(code);
}

const explainProvider = new (class implements vscode.TextDocumentContentProvider {
  texts = new Map<string, string>();
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? '';
  }
})();

async function explainRule(ruleArg?: string): Promise<void> {
  let rule = typeof ruleArg === 'string' ? ruleArg : undefined;
  if (!rule) {
    const editor = vscode.window.activeTextEditor;
    if (editor) {
      const pos = editor.selection.active;
      const here = vscode.languages.getDiagnostics(editor.document.uri)
        .filter((d) => d.source === 'zerolock' || ruleOf(d)?.includes('-'))
        .filter((d) => d.range.contains(pos) || d.range.start.line === pos.line);
      // Most severe first (vscode.DiagnosticSeverity.Error is 0), those under the cursor before the rest.
      here.sort((a, b) => (a.range.contains(pos) ? 0 : 10) + a.severity - ((b.range.contains(pos) ? 0 : 10) + b.severity));
      const rules = [...new Set(here.map(ruleOf).filter((r): r is string => !!r))];
      if (rules.length === 1) {
        rule = rules[0];
      } else if (rules.length > 1) {
        rule = await vscode.window.showQuickPick(rules, { placeHolder: 'Which rule?' });
        if (!rule) {
          return;
        }
      }
    }
  }
  if (!rule) {
    try {
      const list = await runZerolock(['explain', '--list'], workspaceFolder());
      const ids = list.stdout.split('\n').map((l) => l.trim().split(/\s+/)[0]).filter((w) => /^[a-z0-9]+(-[a-z0-9]+)+$/.test(w));
      rule = await vscode.window.showQuickPick(ids, { placeHolder: 'No zerolock finding at the cursor: pick a rule to explain' });
    } catch (e) {
      void vscode.window.showErrorMessage(`zerolock: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!rule) {
      return;
    }
  }
  try {
    const r = await runZerolock(['explain', rule], workspaceFolder());
    if (r.code !== 0) {
      throw new Error(r.stderr.trim() || `exit status ${r.code}`);
    }
    const uri = vscode.Uri.from({ scheme: 'zerolock-explain', path: `/${rule}.md` });
    explainProvider.texts.set(uri.path, r.stdout);
    try {
      await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
    } catch {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    }
  } catch (e) {
    void vscode.window.showErrorMessage(`zerolock explain ${rule}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function applyAllFixes(): Promise<void> {
  const editor = activeMigration();
  if (!editor) {
    return;
  }
  const doc = editor.document;
  const whole = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
  const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider', doc.uri, whole, FIX_ALL_KIND.value, 10)) ?? [];
  const fixAll = actions.filter((a) => a.kind && FIX_ALL_KIND.contains(a.kind));
  if (fixAll.length === 0) {
    void vscode.window.showInformationMessage('zerolock: no safe fixes to apply in this file.');
    return;
  }
  for (const action of fixAll.slice(0, 1)) {
    if (action.edit) {
      await vscode.workspace.applyEdit(action.edit);
    }
    if (action.command) {
      await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
    }
  }
}

async function statusMenu(context: vscode.ExtensionContext): Promise<void> {
  const items: (vscode.QuickPickItem & { run: () => unknown })[] = [
    { label: '$(debug-restart) Restart language server', run: () => restart(context) },
    { label: '$(lock) Show lock report of this migration', run: showLockReport },
    { label: '$(wand) Apply all safe fixes', run: applyAllFixes },
    { label: '$(book) Explain rule at cursor', run: () => explainRule() },
    { label: '$(output) Show output', run: () => output.show() },
    { label: '$(gear) Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'zerolock') },
  ];
  const pick = await vscode.window.showQuickPick(items, { placeHolder: lastError ? `zerolock: ${lastError}` : 'zerolock' });
  if (pick) {
    await pick.run();
  }
}

function updateMigrationContext(): void {
  const doc = vscode.window.activeTextEditor?.document;
  const isMigration = !!doc && !!selector && selector.matches(doc);
  void vscode.commands.executeCommand('setContext', 'zerolock.isMigration', isMigration);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionPath = context.extensionPath;
  output = vscode.window.createOutputChannel('zerolock');
  traceOutput = vscode.window.createOutputChannel('zerolock trace');
  statusItem = vscode.window.createStatusBarItem('zerolock.status', vscode.StatusBarAlignment.Right, 100);
  statusItem.name = 'zerolock';
  statusItem.command = 'zerolock.statusMenu';
  context.subscriptions.push(output, traceOutput, statusItem);
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider('zerolock-explain', explainProvider),
    vscode.commands.registerCommand('zerolock.restartServer', () => restart(context)),
    vscode.commands.registerCommand('zerolock.showLockReport', showLockReport),
    vscode.commands.registerCommand('zerolock.explainRule', explainRule),
    vscode.commands.registerCommand('zerolock.applyAllFixes', applyAllFixes),
    vscode.commands.registerCommand('zerolock.showOutput', () => output.show()),
    vscode.commands.registerCommand('zerolock.statusMenu', () => statusMenu(context)),
    vscode.window.onDidChangeActiveTextEditor(updateMigrationContext),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('zerolock') && client?.isRunning()) {
        void client.sendNotification(DidChangeConfigurationNotification.type, { settings: { zerolock: settingsForServer() } });
      }
      if (e.affectsConfiguration('zerolock.server') || e.affectsConfiguration('zerolock.documentSelector') ||
          e.affectsConfiguration('zerolock.detectByContent')) {
        output.appendLine('zerolock: server or document settings changed; restarting the server.');
        void restart(context);
      }
    }),
  );
  await restart(context);
  updateMigrationContext();
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
