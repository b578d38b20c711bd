// The etcdctl release whose commands, flags and outputs cairn ctl reproduces (what `ctl version` reports).
export const etcdctlVersion = '3.4.23';
export const etcdctlApiVersion = '3.4';
