// What cairn's own server cannot do yet with the configs `cairn init` writes; shown in --help and after a run.

export const singleMemberNote =
  'cairn server runs a single member for now: clusters of more than one member need Raft, which is not ' +
  'implemented yet. Until it is, start a multi-member cluster from these configs with the real etcd ' +
  '(CAIRN_SERVER=etcd ./start-cluster.sh); the same configs will work with cairn server once it has Raft.';

export const tlsNote =
  'cairn server does not serve TLS yet: start a TLS cluster from these configs with the real etcd ' +
  '(CAIRN_SERVER=etcd ./start-cluster.sh) until it does.';
