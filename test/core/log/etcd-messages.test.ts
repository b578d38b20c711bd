import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  EtcdMessages,
  RAFT_CALLERS,
  raftBecameCandidate,
  raftBecameFollower,
  raftBecameLeader,
  raftElectedLeader,
  raftNewRaft,
  raftReceivedVote,
  raftStartingElection,
  raftSwitchedConfiguration,
  START_SEQUENCE_NEW_MEMBER,
  START_SEQUENCE_RESTART,
  STOP_SEQUENCE,
  type EtcdMessage,
} from '../../../src/core/log';

type Line = { level: string; caller: string; msg: string; fields: string[] };

function fixture(name: string): Line[] {
  return fs
    .readFileSync(path.join(__dirname, 'fixtures', name), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const { level, ts: _ts, caller, msg, ...rest } = JSON.parse(l) as Record<string, string>;
      return { level, caller, msg, fields: Object.keys(rest) };
    });
}

const messages = Object.values(EtcdMessages) as EtcdMessage[];
const isRaft = (l: Line) => l.caller.startsWith('raft/');
const nameOf = (l: Line) => (Object.entries(EtcdMessages) as Array<[string, EtcdMessage]>).find(([, m]) => m.msg === l.msg && m.caller === l.caller)?.[0];

describe('etcd-messages', () => {
  it('has every non-raft line etcd 3.4 printed, with its level, caller and fields in order', () => {
    for (const file of ['etcd-3.4.23-new-member.log', 'etcd-3.4.23-restart-member.log']) {
      for (const line of fixture(file).filter((l) => !isRaft(l))) {
        const m = messages.find((x) => x.msg === line.msg && x.caller === line.caller);
        expect({ msg: line.msg, found: m !== undefined }).toEqual({ msg: line.msg, found: true });
        expect({ msg: line.msg, level: m?.level, fields: m?.fields }).toEqual({ msg: line.msg, level: line.level, fields: line.fields });
      }
    }
  });

  it('lists the start and stop sequences in the order etcd prints them', () => {
    const dedupe = (names: Array<string | undefined>) => names.filter((n, i) => n !== names[i - 1]);
    const newMember = dedupe(fixture('etcd-3.4.23-new-member.log').filter((l) => !isRaft(l)).map(nameOf));
    const stopAt = newMember.indexOf('receivedSignal');
    expect(newMember.slice(0, stopAt)).toEqual(START_SEQUENCE_NEW_MEMBER);
    expect(newMember.slice(stopAt)).toEqual(STOP_SEQUENCE);
    const restart = dedupe(fixture('etcd-3.4.23-restart-member.log').filter((l) => !isRaft(l)).map(nameOf));
    expect(restart.slice(0, restart.indexOf('receivedSignal'))).toEqual(START_SEQUENCE_RESTART);
  });

  it('builds the raft lines etcd printed', () => {
    const raft = fixture('etcd-3.4.23-new-member.log').filter(isRaft);
    const id = '101b54487497a4b9';
    const expected = [
      [RAFT_CALLERS.switchedConfiguration, raftSwitchedConfiguration(id, [])],
      [RAFT_CALLERS.becameFollower, raftBecameFollower(id, 0)],
      [RAFT_CALLERS.newRaft, raftNewRaft(id, { peers: [], term: 0, commit: 0, applied: 0, lastIndex: 0, lastTerm: 0 })],
      [RAFT_CALLERS.becameFollower, raftBecameFollower(id, 1)],
      [RAFT_CALLERS.switchedConfiguration, raftSwitchedConfiguration(id, [0x101b54487497a4b9n])],
      [RAFT_CALLERS.switchedConfiguration, raftSwitchedConfiguration(id, [0x101b54487497a4b9n])],
      [RAFT_CALLERS.startingElection, raftStartingElection(id, 1)],
      [RAFT_CALLERS.becameCandidate, raftBecameCandidate(id, 2)],
      [RAFT_CALLERS.receivedVote, raftReceivedVote(id, id, 2)],
      [RAFT_CALLERS.becameLeader, raftBecameLeader(id, 2)],
      [RAFT_CALLERS.electedLeader, raftElectedLeader(id, id, 2)],
    ];
    expect(raft.map((l) => [l.caller, l.msg])).toEqual(expected);
  });
});
