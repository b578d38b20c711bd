#!/usr/bin/env node
'use strict';
// Writes dist/ctl-commands.json from oclif.manifest.json (run by `npm run build` after `oclif manifest`): every
// ctl command id with its built module, so bin/run.js can run `cairn ctl …` without loading oclif
// (src/core/cli/ctl-fast-path.ts). Topics are listed too: dispatch needs them to tell a topic from a command.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'oclif.manifest.json'), 'utf8'));
const commands = {};
for (const [id, cmd] of Object.entries(manifest.commands).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
  if (id !== 'ctl' && !id.startsWith('ctl:')) continue;
  if (!Array.isArray(cmd.relativePath)) throw new Error(`oclif.manifest.json: ${id} has no relativePath`);
  commands[id] = cmd.relativePath.join('/');
}
fs.writeFileSync(path.join(root, 'dist', 'ctl-commands.json'), `${JSON.stringify({ commands }, null, 1)}\n`);
console.log(`wrote dist/ctl-commands.json (${Object.keys(commands).length} ctl commands)`);
