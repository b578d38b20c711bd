// `cairn ctl` against cairn server, compared with the real etcdctl 3.4 against etcd 3.4, command by command: the
// same suite as etcdctl.test.ts (etcdctl-suite.ts) with cairn's own client on the cairn side. Needs a build.
import { defineCtlSuite } from './etcdctl-suite';

defineCtlSuite('cairn ctl');
