// The real etcdctl 3.4 against cairn server and against etcd 3.4, compared command by command (the suite is in
// etcdctl-suite.ts).
import { defineCtlSuite } from './etcdctl-suite';

defineCtlSuite('etcdctl');
