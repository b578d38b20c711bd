#!/usr/bin/env node
'use strict';
// `cairn server …` takes etcd's flags, parsed by cairn's own config module: go straight to it without loading
// oclif (a third of a second saved on every member start). Help goes through oclif as usual.
// `cairn ctl <command> …` likewise runs the command without oclif when it names one (src/core/cli/
// ctl-fast-path.ts); help, topics and unknown commands go to oclif. CAIRN_CTL_NO_FAST_PATH=1 turns that off
// (measurements: scripts/ctl-coldstart.sh).
const argv = process.argv.slice(2);
const fail = (err) => { process.stderr.write(`${err && err.stack ? err.stack : err}\n`); process.exit(1); };
let fast;
if (argv[0] === 'server' && !argv.includes('--help') && !argv.includes('-h')) {
  fast = require('../dist/core/server/run-member.js').runServerCommand(argv.slice(1));
} else if (argv[0] === 'ctl' && process.env.CAIRN_CTL_NO_FAST_PATH !== '1') {
  fast = require('../dist/core/cli/ctl-fast-path.js').ctlFastPath(argv.slice(1), require('node:path').join(__dirname, '..'));
}
if (fast !== undefined) {
  fast.then((code) => process.exit(code), fail);
} else {
  require('@oclif/core').execute({ dir: __dirname }).catch(require('@oclif/core/handle'));
}
