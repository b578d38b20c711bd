#!/usr/bin/env node
'use strict';
// The `cairn ctl` command and flag surface, from the built commands' static `ctl` specs (dist/commands/ctl):
// every command path with its flags (name, shorthand, kind, default), the global flags once at the top.
// Committed as test/commands/ctl/surface.txt and checked by test/commands/ctl/ctl-surface.test.ts, so a
// change to the surface shows up in review. After `npm run build`:
//   node scripts/ctl-surface.js            prints it
//   node scripts/ctl-surface.js --write    rewrites test/commands/ctl/surface.txt
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const surfaceFile = path.join(root, 'test', 'commands', 'ctl', 'surface.txt');

function commandFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...commandFiles(p));
    else if (e.name.endsWith('.js')) out.push(p);
  }
  return out;
}

function flagLine(f, formatFlagValue) {
  const name = `--${f.name}${f.shorthand ? `, -${f.shorthand}` : ''}`;
  const def = formatFlagValue(f.kind, f.def);
  return `  ${name.padEnd(30)} ${f.kind.padEnd(11)} default ${JSON.stringify(def)}`;
}

/** The surface as text, from the built tree under `dir` (the package root). */
function renderSurface(dir = root) {
  const dist = path.join(dir, 'dist');
  const { formatFlagValue, globalFlags } = require(path.join(dist, 'core', 'cli', 'flags', 'flag-spec.js'));
  const byName = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const lines = ['# cairn ctl command and flag surface: node scripts/ctl-surface.js --write (after npm run build)', '', 'global flags:'];
  for (const f of [...globalFlags].sort(byName)) lines.push(flagLine(f, formatFlagValue));
  const commands = [];
  for (const file of commandFiles(path.join(dist, 'commands', 'ctl'))) {
    const cls = require(file).default;
    if (typeof cls !== 'function') continue;
    let spec;
    try {
      spec = cls.ctl; // topics have no spec (their persistent flags show up in their commands' parentFlags)
    } catch {
      spec = undefined;
    }
    if (spec === undefined) continue;
    commands.push(spec);
  }
  commands.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const spec of commands) {
    lines.push('', `${spec.path}: ${spec.use}`);
    for (const f of [...spec.flags].sort(byName)) lines.push(flagLine(f, formatFlagValue));
    for (const f of [...(spec.parentFlags ?? [])].sort(byName)) lines.push(`${flagLine(f, formatFlagValue)} (inherited)`);
  }
  return `${lines.join('\n')}\n`;
}

module.exports = { renderSurface, surfaceFile };

if (require.main === module) {
  const text = renderSurface();
  if (process.argv.includes('--write')) {
    fs.writeFileSync(surfaceFile, text);
    console.log(`wrote ${path.relative(root, surfaceFile)}`);
  } else {
    process.stdout.write(text);
  }
}
