// Bundles the modules without a vscode dependency (src/lockReport.ts, src/serverPath.ts) and runs
// test/*.test.mjs with node:test.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const modules = {};
for (const name of ['lockReport', 'serverPath']) {
  modules[name] = path.join(root, 'out', `${name}.cjs`);
  await esbuild.build({
    entryPoints: [path.join(root, 'src', `${name}.ts`)], bundle: true, outfile: modules[name],
    format: 'cjs', platform: 'node', target: 'node18', logLevel: 'warning',
  });
}
execFileSync(process.execPath, ['--test', path.join(root, 'test', 'lockReport.test.mjs'), path.join(root, 'test', 'serverPath.test.mjs')], {
  stdio: 'inherit', env: { ...process.env, LOCK_REPORT_MODULE: modules.lockReport, SERVER_PATH_MODULE: modules.serverPath },
});
