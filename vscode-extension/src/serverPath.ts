// Finds the zerolock binary: the `zerolock.server.path` setting, then `zerolock` on PATH, then
// the binary shipped inside the extension (`server/zerolock`).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export type ServerSource = 'setting' | 'PATH' | 'bundled';

export interface FoundServer {
  command: string;
  source: ServerSource;
}

export interface NotFound {
  error: string;
  // What the user can do about it, shown in the message.
  fix: string;
}

function isExecutableFile(file: string): boolean {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) {
      return false;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function expandPath(raw: string, workspaceFolder: string | undefined): string {
  let p = raw.trim();
  if (p === '~' || p.startsWith('~/')) {
    p = path.join(os.homedir(), p.slice(1));
  }
  if (workspaceFolder) {
    p = p.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
    if (!path.isAbsolute(p) && p.includes(path.sep)) {
      p = path.join(workspaceFolder, p);
    }
  }
  return p;
}

export function findOnPath(name: string, envPath: string | undefined = process.env.PATH): string | undefined {
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (!dir) {
      continue;
    }
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExecutableFile(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

export function findServer(
  settingPath: string,
  extensionPath: string,
  workspaceFolder: string | undefined,
): FoundServer | NotFound {
  if (settingPath.trim() !== '') {
    const p = expandPath(settingPath, workspaceFolder);
    if (path.isAbsolute(p)) {
      if (isExecutableFile(p)) {
        return { command: p, source: 'setting' };
      }
      return {
        error: `zerolock.server.path is set to "${settingPath}", but ${p} is not an executable file.`,
        fix: 'Fix the path in the setting (or clear it to use zerolock from PATH).',
      };
    }
    const onPath = findOnPath(p);
    if (onPath) {
      return { command: onPath, source: 'setting' };
    }
    return {
      error: `zerolock.server.path is "${settingPath}", which was not found on PATH.`,
      fix: 'Set it to the absolute path of the zerolock binary.',
    };
  }
  const onPath = findOnPath('zerolock');
  if (onPath) {
    return { command: onPath, source: 'PATH' };
  }
  const bundled = path.join(extensionPath, 'server', process.platform === 'win32' ? 'zerolock.exe' : 'zerolock');
  if (isExecutableFile(bundled)) {
    return { command: bundled, source: 'bundled' };
  }
  return {
    error: 'zerolock: no language server found (zerolock.server.path is empty, there is no zerolock on PATH and this extension has no bundled server).',
    fix: 'Build it (cmake -S . -B build -G Ninja && cmake --build build) and set zerolock.server.path to build/zerolock, or put zerolock on PATH.',
  };
}
