// What `instantiate` produces: a spec with its params fixed, its state laid out as one Int32Array and
// its guards, effects and predicates compiled to closures (compile.ts, compile-expr.ts). The checker,
// the repair search and the Promela backend read it.
import type { ActionDecl, SpecModel, Span, TypeExpr } from "./model.ts";
import type { Ty, Value } from "./types.ts";

export class SpecRuntimeError extends Error {
  constructor(message: string, readonly span?: Span) {
    super(message);
    this.name = "SpecRuntimeError";
  }
}

/** A problem found while fixing params (empty domain, non-constant size): reported as E0709. */
export class InstantiateError extends Error {
  constructor(message: string, readonly span?: Span) {
    super(message);
    this.name = "InstantiateError";
  }
}

export interface VarLayout {
  name: string;
  off: number;
  ty: Ty;
  hidden: boolean;
}

export interface Transition {
  id: number;
  /** Action name, or the adversary's move (`drop`, `replay`, `inject`). */
  name: string;
  args: Value[];
  argTypes: Ty[];
  /** Adversary moves are never required by fairness. */
  adversarial: boolean;
  span?: Span;
  /** Successor state, or null when the guard is false. Throws SpecRuntimeError on a failed assert. */
  fire(s: Int32Array): Int32Array | null;
  /** True where the move is a byzantine actor's (forged, so never owed to fairness). */
  forgedAt?(s: Int32Array): boolean;
  /** The action this instance comes from (absent for adversary moves). */
  action?: ActionDecl;
  /** Slot of the actor's byzantine flag, for `@byzantine` actions: set means the guard is skipped. */
  forgeSlot?: number;
  /** Adversary moves: the channel slot they act on. */
  chanSlot?: number;
}

export interface CompiledPredicate {
  name: string;
  span?: Span;
  holds(s: Int32Array): boolean;
}

export type CompiledProperty =
  | (CompiledPredicate & { kind: "always" })
  | (CompiledPredicate & { kind: "eventually"; fair: boolean; fairActions?: Set<string> })
  | (CompiledPredicate & { kind: "within"; steps: number })
  | { kind: "noninterference"; name: string; span?: Span; secret: string[]; observer: string[] };

export interface Instance {
  model: SpecModel;
  params: Record<string, number>;
  width: number;
  vars: VarLayout[];
  inits: Int32Array[];
  transitions: Transition[];
  invariants: CompiledPredicate[];
  properties: CompiledProperty[];
  /** Slot permutations (and value maps) of the symmetric domains; empty when there are none. */
  symmetry: SymPerm[];
  domains: Map<string, Extract<Ty, { k: "dom" }>>;
  /** `var = value` text of each visible variable. */
  describe(s: Int32Array): [string, string][];
  transitionText(t: Transition): string;
  /** Declared type of a state variable, resolved. */
  typeOf(name: string): Ty;
  /** A symbolic type with these params. */
  resolveType(t: TypeExpr): Ty;
  /** With `network(duplicate)`: after every step the history slots absorb the channel's. */
  mirror?: { from: number; to: number; n: number };
  /** With `flood(k)`: the slot counting the junk messages left. */
  floodSlot?: number;
}

export interface SymPerm {
  dst: Int32Array;
  /** Per slot: undefined, or [lo, mapping] for slots holding a symmetric-domain value. */
  vmap: (readonly [number, Int32Array] | undefined)[];
}

type CE = (s: Int32Array, env: Value[]) => Value;
type CS = (s: Int32Array, env: Value[]) => void;

/** Hidden state variables the adversaries add (never shown in traces except the byzantine set). */
export const BYZ = "__byzantine";
export const SENT = "__sent";
export const FLOOD = "__flood";
