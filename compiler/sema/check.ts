// The type checker. Generic items are checked per instantiation (like templates): an entry item
// generic over `F: Field` is instantiated with the field chosen by `--field`, a call instantiates its
// callee with the argument types. Each Instance records what lowering needs: the type of every
// expression, what every path resolves to, call targets, loop bounds and table contents.
//
// The checker is split by construct under check/ (as rustc's and Noir's front ends are): item.ts checks
// items and drives the instances on top of type.ts (types, constants, fields); a body is checked by
// FnChecker, a chain of stmt.ts over call.ts over expr.ts; common.ts holds what they share.
export { Checker } from "./check/item.ts";
export { FnChecker } from "./check/stmt.ts";
export {
  type CallTarget,
  type CtxKind,
  type FnLike,
  type Local,
  type Resolution,
  type Subst,
  type TableInfo,
  Instance,
  ctxOfItem,
  emptySubst,
  shorthandOf,
} from "./check/common.ts";
