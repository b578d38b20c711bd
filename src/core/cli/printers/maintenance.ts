// etcdctl's printing of the maintenance and membership responses (alarm, member add/remove/update/promote,
// move-leader), per output format as printer_{simple,fields,json,protobuf,table}.go do. etcdctl 3.4 routes
// several of these through printerUnsupported ("<format> not supported as output format", exit 4) or through a
// nil header / nil embedded printer (a Go panic, exit 2); both are reproduced, the panic as its first line.
import { etcdserverpb } from '../../api/proto';
import { CtlExit } from '../ctl-exit';
import type { CtlContext } from '../ctl-context';
import { ExitCode } from '../exit-codes';
import { hex16, hexOf } from '../go/numbers';
import { goQuote } from '../go/quote';
import { GoJsonObject, headerJson, memberJson } from './go-json';
import { uint64Big, uint64Text, int64Text } from './values';

/** Go's exit code for a panic */
export const goPanicExitCode = 2;

const alarmTypeNames = ['NONE', 'NOSPACE', 'CORRUPT'] as const;

function unsupported(format: string): never {
  throw new CtlExit(ExitCode.BadFeature, `${format} not supported as output format`);
}

/**
 * etcdctl 3.4 dereferences a nil pointer here (a missing response header, or a printer method that only the
 * simple printer has): the process panics with exit code 2. cairn prints the panic's first line and exits 2.
 */
function nilPanic(ctx: CtlContext): never {
  ctx.out.err('panic: runtime error: invalid memory address or nil pointer dereference\n');
  throw new CtlExit(goPanicExitCode);
}

function alarmTypeName(t: number | null | undefined): string {
  return alarmTypeNames[t ?? 0] ?? String(t);
}

function alarmMemberJson(a: etcdserverpb.AlarmMember.$Properties): string {
  return new GoJsonObject().uint64('memberID', a.memberID).number('alarm', a.alarm).toString();
}

function fieldsHeader(ctx: CtlContext, h: etcdserverpb.ResponseHeader.$Properties | null | undefined): void {
  if (h === null || h === undefined) nilPanic(ctx);
  ctx.out.out(`"ClusterID" : ${uint64Text(h.clusterId)}\n"MemberID" : ${uint64Text(h.memberId)}\n` +
    `"Revision" : ${int64Text(h.revision)}\n"RaftTerm" : ${uint64Text(h.raftTerm)}\n`);
}

function printJson(ctx: CtlContext, json: string): void {
  ctx.out.out(json + '\n');
}

/** display.Alarm */
export function printAlarm(ctx: CtlContext, r: etcdserverpb.AlarmResponse): void {
  switch (ctx.display.format) {
    case 'simple':
      // fmt's %+v of *pb.AlarmMember: its String(), the compact text format (each field followed by a space)
      for (const a of r.alarms) {
        let s = '';
        if (uint64Big(a.memberID) !== 0n) s += `memberID:${uint64Text(a.memberID)} `;
        if ((a.alarm ?? 0) !== 0) s += `alarm:${alarmTypeName(a.alarm)} `;
        ctx.out.out(`${s}\n`);
      }
      return;
    case 'fields':
      fieldsHeader(ctx, r.header);
      for (const a of r.alarms) ctx.out.out(`"MemberID" : ${uint64Text(a.memberID)}\n"AlarmType" : ${alarmTypeName(a.alarm)}\n\n`);
      return;
    case 'json':
      printJson(ctx, new GoJsonObject().message('header', r.header, headerJson).array('alarms', r.alarms, alarmMemberJson).toString());
      return;
    case 'protobuf':
      ctx.out.out(etcdserverpb.AlarmResponse.encode(r).finish());
      return;
    case 'table':
      unsupported('table');
  }
}

/** display.MemberAdd, plus the environment lines etcdctl prints after it with the simple printer */
export function printMemberAdd(ctx: CtlContext, r: etcdserverpb.MemberAddResponse, newName: string, peerURLs: string): void {
  switch (ctx.display.format) {
    case 'simple': {
      const newId = uint64Big(r.member?.ID);
      ctx.out.out(`Member ${hex16(newId)} added to cluster ${hex16(uint64Big(r.header?.clusterId))}\n`);
      const conf: string[] = [];
      for (const m of r.members) {
        for (const u of m.peerURLs ?? []) conf.push(`${uint64Big(m.ID) === newId ? newName : m.name ?? ''}=${u}`);
      }
      ctx.out.out(`\nETCD_NAME=${goQuote(newName)}\nETCD_INITIAL_CLUSTER=${goQuote(conf.join(','))}\n` +
        `ETCD_INITIAL_ADVERTISE_PEER_URLS=${goQuote(peerURLs)}\nETCD_INITIAL_CLUSTER_STATE="existing"\n`);
      return;
    }
    case 'json':
      printJson(ctx, new GoJsonObject().message('header', r.header, headerJson).message('member', r.member, memberJson)
        .array('members', r.members, memberJson).toString());
      return;
    case 'protobuf':
      ctx.out.out(etcdserverpb.MemberAddResponse.encode(r).finish());
      return;
    case 'fields': case 'table':
      unsupported(ctx.display.format);
  }
}

type MembersResponse = etcdserverpb.MemberRemoveResponse | etcdserverpb.MemberUpdateResponse;

/** display.MemberRemove / MemberUpdate */
export function printMemberChange(ctx: CtlContext, verb: 'removed from' | 'updated in', id: bigint, r: MembersResponse): void {
  switch (ctx.display.format) {
    case 'simple':
      ctx.out.out(`Member ${hex16(id)} ${verb} cluster ${hex16(uint64Big(r.header?.clusterId))}\n`);
      return;
    case 'json':
      printJson(ctx, new GoJsonObject().message('header', r.header, headerJson).array('members', r.members, memberJson).toString());
      return;
    case 'protobuf':
      ctx.out.out(verb === 'removed from'
        ? etcdserverpb.MemberRemoveResponse.encode(r).finish()
        : etcdserverpb.MemberUpdateResponse.encode(r).finish());
      return;
    case 'fields': case 'table':
      unsupported(ctx.display.format);
  }
}

/** display.MemberPromote: only etcdctl 3.4's simple printer has it; the others reach a nil printer (panic). */
export function printMemberPromote(ctx: CtlContext, id: bigint, r: etcdserverpb.MemberPromoteResponse): void {
  if (ctx.display.format !== 'simple') nilPanic(ctx);
  ctx.out.out(`Member ${hex16(id)} promoted in cluster ${hex16(uint64Big(r.header?.clusterId))}\n`);
}

/** display.MoveLeader */
export function printMoveLeader(ctx: CtlContext, leader: bigint, target: bigint, r: etcdserverpb.MoveLeaderResponse): void {
  switch (ctx.display.format) {
    case 'simple':
      ctx.out.out(`Leadership transferred from ${hexOf(leader)} to ${hexOf(target)}\n`);
      return;
    case 'json':
      printJson(ctx, new GoJsonObject().message('header', r.header, headerJson).toString());
      return;
    case 'protobuf':
      ctx.out.out(etcdserverpb.MoveLeaderResponse.encode(r).finish());
      return;
    case 'fields': case 'table':
      unsupported(ctx.display.format);
  }
}
