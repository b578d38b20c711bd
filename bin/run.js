#!/usr/bin/env node
'use strict';
// `cairn server …` takes etcd's flags, parsed by cairn's own config module: go straight to it without loading
// oclif (a third of a second saved on every member start). Help goes through oclif as usual.
const argv = process.argv.slice(2);
if (argv[0] === 'server' && !argv.includes('--help') && !argv.includes('-h')) {
  require('../dist/core/server/run-member.js').runServerCommand(argv.slice(1)).then(
    (code) => process.exit(code),
    (err) => { process.stderr.write(`${err && err.stack ? err.stack : err}\n`); process.exit(1); },
  );
} else {
  require('@oclif/core').execute({ dir: __dirname }).catch(require('@oclif/core/handle'));
}
