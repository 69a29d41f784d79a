// Type-checks, lints, unit-tests, bundles and packages the extension into zerolock-<version>.vsix with
// @vscode/vsce (npm packages only; nothing is downloaded).
// Usage: node scripts/package.mjs [--out FILE] [--with-server PATH-TO-zerolock] [--skip-lint]
//   --with-server copies the binary into server/zerolock so the .vsix works without zerolock on
//   PATH (then the package is platform-specific: linux-x64).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
process.chdir(root);
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
const out = path.resolve(opt('--out') ?? `zerolock-${pkg.version}.vsix`);
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const run = (cmd, cmdArgs) => {
  console.error(`package: ${path.basename(cmd)} ${cmdArgs.join(' ')}`);
  execFileSync(cmd, cmdArgs, { stdio: 'inherit' });
};

run(bin('tsc'), ['--noEmit', '-p', '.']);
if (!args.includes('--skip-lint')) {
  run(bin('eslint'), ['src', 'scripts', 'test']);
}
run(process.execPath, ['scripts/test.mjs']);
// vsce runs the `vscode:prepublish` script (esbuild --production) itself.

const serverDir = path.join(root, 'server');
const bundled = path.join(serverDir, 'zerolock');
const withServer = opt('--with-server');
fs.rmSync(bundled, { force: true });
if (withServer) {
  fs.mkdirSync(serverDir, { recursive: true });
  fs.copyFileSync(withServer, bundled);
  fs.chmodSync(bundled, 0o755);
  try {
    execFileSync('strip', [bundled]); // RelWithDebInfo builds carry ~50 MB of debug info
  } catch {
    console.error('package: strip not available; bundling the binary as is');
  }
}
try {
  const vsceArgs = ['package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '-o', out];
  if (withServer) {
    vsceArgs.push('--target', 'linux-x64');
  }
  run(bin('vsce'), vsceArgs);
} finally {
  fs.rmSync(bundled, { force: true });
}
console.error(`package: wrote ${out}`);
