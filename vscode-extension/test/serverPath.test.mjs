// Unit tests of the server discovery order: setting, then PATH, then the bundled server/zerolock.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

const { findServer, findOnPath } = await import(process.env.SERVER_PATH_MODULE);

function fakeBinary(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'zerolock');
  fs.writeFileSync(file, '#!/bin/sh\n');
  fs.chmodSync(file, 0o755);
  return file;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zerolock-ext-test-'));
const onPathDir = path.join(tmp, 'bin');
const extensionDir = path.join(tmp, 'ext');
const bundled = fakeBinary(path.join(extensionDir, 'server'));
const explicit = fakeBinary(path.join(tmp, 'explicit'));
const savedPath = process.env.PATH;

test('the setting wins, and a wrong setting is an error with a fix', () => {
  assert.deepEqual(findServer(explicit, extensionDir, undefined), { command: explicit, source: 'setting' });
  const r = findServer(path.join(tmp, 'nope', 'zerolock'), extensionDir, undefined);
  assert.match(r.error, /not an executable file/);
  assert.ok(r.fix.length > 0);
});

test('${workspaceFolder} and relative paths resolve against the workspace', () => {
  assert.equal(findServer('${workspaceFolder}/explicit/zerolock', extensionDir, tmp).command, explicit);
  assert.equal(findServer('explicit/zerolock', extensionDir, tmp).command, explicit);
});

test('then zerolock on PATH, then the bundled binary, then a clear error', () => {
  try {
    const onPath = fakeBinary(onPathDir);
    process.env.PATH = `${onPathDir}${path.delimiter}/nonexistent`;
    assert.equal(findOnPath('zerolock'), onPath);
    assert.deepEqual(findServer('', extensionDir, undefined), { command: onPath, source: 'PATH' });
    process.env.PATH = '/nonexistent';
    assert.deepEqual(findServer('', extensionDir, undefined), { command: bundled, source: 'bundled' });
    const none = findServer('', path.join(tmp, 'empty-ext'), undefined);
    assert.match(none.error, /no language server found/);
    assert.match(none.fix, /zerolock\.server\.path/);
  } finally {
    process.env.PATH = savedPath;
  }
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
