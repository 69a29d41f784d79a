// Bundles src/lockReport.ts (no vscode dependency) and runs test/*.test.mjs with node:test.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = path.join(root, 'out', 'lockReport.cjs');
await esbuild.build({
  entryPoints: [path.join(root, 'src', 'lockReport.ts')], bundle: true, outfile: out,
  format: 'cjs', platform: 'node', target: 'node18', logLevel: 'warning',
});
execFileSync(process.execPath, ['--test', path.join(root, 'test', 'lockReport.test.mjs')], {
  stdio: 'inherit', env: { ...process.env, LOCK_REPORT_MODULE: out },
});
