// Expectations from etcd 3.4.23 (sort options: etcd 3.5, as 3.4 does not check them and crashes).
import { EtcdError, Errors } from '../../../../src/core/errors';
import { etcdserverpb } from '../../../../src/core/api/proto';
import { validateDeleteRange, validatePut, validateRange, validateTxn, maxKeyBytes } from '../../../../src/core/server/apply';

const b = (s: string) => Buffer.from(s);
const errorOf = (fn: () => void): string => {
  try { fn(); } catch (e) { if (e instanceof EtcdError) return e.message; throw e; }
  return 'ok';
};
const P = (k: string) => ({ requestPut: { key: b(k), value: b('v') } });
const D = (k: string, end?: string) => ({ requestDeleteRange: { key: b(k), rangeEnd: end === undefined ? undefined : b(end) } });
const T = (success: etcdserverpb.IRequestOp[], failure: etcdserverpb.IRequestOp[] = []) => ({ requestTxn: { success, failure } });
const txnReq = (o: etcdserverpb.ITxnRequest) => etcdserverpb.TxnRequest.decode(etcdserverpb.TxnRequest.encode(o).finish());
const txn = (success: etcdserverpb.IRequestOp[], failure: etcdserverpb.IRequestOp[] = []) => errorOf(() => validateTxn(txnReq({ success, failure })));
const dup = Errors.DuplicateKey.message;

describe('validate', () => {
  it('refuses empty keys everywhere', () => {
    expect(errorOf(() => validateRange({ key: b('') }))).toBe(Errors.EmptyKey.message);
    expect(errorOf(() => validatePut({}))).toBe(Errors.EmptyKey.message);
    expect(errorOf(() => validateDeleteRange({ key: null }))).toBe(Errors.EmptyKey.message);
    expect(errorOf(() => validateTxn({ compare: [{ key: b('') }] }))).toBe(Errors.EmptyKey.message);
    expect(txn([T([{ requestRange: { key: b('') } }])])).toBe(Errors.EmptyKey.message);
  });

  it('refuses unknown sort orders and targets', () => {
    expect(errorOf(() => validateRange({ key: b('a'), sortOrder: 3 as never }))).toBe(Errors.InvalidSortOption.message);
    expect(errorOf(() => validateRange({ key: b('a'), sortTarget: 5 as never }))).toBe(Errors.InvalidSortOption.message);
    expect(errorOf(() => validateRange({ key: b('a'), sortOrder: 2, sortTarget: 4 }))).toBe('ok');
  });

  it('refuses a value with ignore_value, a lease with ignore_lease, and keys LMDB cannot store', () => {
    expect(errorOf(() => validatePut({ key: b('a'), value: b('x'), ignoreValue: true }))).toBe(Errors.ValueProvided.message);
    expect(errorOf(() => validatePut(etcdserverpb.PutRequest.decode(etcdserverpb.PutRequest.encode({ key: b('a'), lease: 5, ignoreLease: true }).finish())))).toBe(Errors.LeaseProvided.message);
    expect(errorOf(() => validatePut(etcdserverpb.PutRequest.decode(etcdserverpb.PutRequest.encode({ key: b('a'), ignoreLease: true, ignoreValue: true }).finish())))).toBe('ok');
    expect(errorOf(() => validatePut({ key: Buffer.alloc(maxKeyBytes + 1, 97) }))).toBe(Errors.RequestTooLarge.message);
  });

  it('counts compares and ops against max txn ops, nested txns sharing the budget', () => {
    const puts = (n: number, p = 'k') => Array.from({ length: n }, (_, i) => P(`${p}${i}`));
    expect(txn(puts(128))).toBe('ok');
    expect(txn(puts(129))).toBe(Errors.TooManyOps.message);
    expect(errorOf(() => validateTxn({ compare: Array.from({ length: 129 }, () => ({ key: b('x') })) }))).toBe(Errors.TooManyOps.message);
    expect(txn([...puts(100), T(puts(29, 'n'))])).toBe(Errors.TooManyOps.message);
    expect(txn([...puts(99), T(puts(28, 'm'))])).toBe('ok');
    expect(errorOf(() => validateTxn({ success: puts(3) }, 2))).toBe(Errors.TooManyOps.message);
  });

  it('refuses an empty op as etcd does', () => {
    expect(txn([{}])).toBe(Errors.KeyNotFound.message);
  });

  it('finds duplicate keys exactly as etcd\'s checkIntervals', () => {
    expect(txn([P('a'), P('a')])).toBe(dup);
    expect(txn([D('b', 'd'), P('c')])).toBe(dup);
    expect(txn([D('b', 'd'), P('d')])).toBe('ok');
    expect(txn([D('d', 'b'), P('c')])).toBe('ok'); // inverted range
    expect(txn([D('a', '\0'), P('b')])).toBe('ok'); // etcd's quirk: "from key" deletes are not checked
    expect(txn([D('a'), D('a')])).toBe('ok');
    expect(txn([P('a'), T([P('a')])])).toBe(dup);
    expect(txn([T([P('a')], [P('a')])])).toBe('ok');
    expect(txn([T([P('a')], [D('a')])])).toBe('ok');
    expect(txn([T([D('a')]), P('a')])).toBe(dup);
    expect(txn([D('a'), T([P('a')])])).toBe(dup);
    expect(txn([T([P('a')]), T([P('a')])])).toBe(dup);
    expect(txn([T([D('a', 'c')]), T([P('b')])])).toBe(dup);
    expect(txn([T([P('b')]), T([D('a', 'c')])])).toBe('ok');
    expect(txn([T([P('b')], [P('c')]), T([], [P('c')])])).toBe(dup);
    expect(txn([P('a')], [P('a')])).toBe('ok'); // success and failure are checked apart
  });
});
