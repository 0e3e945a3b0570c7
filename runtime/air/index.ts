// A symbolic AIR: the one constraint description of the zkVM's tables (spec/zkvm.md), proven by the
// BabyBear STARK (runtime/stark) and compiled to PLONKish over BN254 Fr (runtime/plonk). Every constant
// and every intermediate value a constraint names is a small integer (values are 16-bit limbs, selectors
// are bits), so one description is valid in both fields.
//
// A chip is one table: main columns filled by a trace generator, optional preprocessed (fixed) columns
// known to the verifier, polynomial constraints over a window of two rows (this row and the next), and
// bus interactions. A bus is a LogUp argument: each row of each chip contributes
// Σ multiplicity / (α − Σ_j β^j · value_j) for each interaction, and the sum over all chips and rows, plus
// the public boundary terms, must be zero. A send is a positive multiplicity, a receive a negative one.

/** A polynomial over the current window: columns, selectors, constants, sums and products. */
export type Expr =
  | { op: "main"; col: number; next: boolean }
  | { op: "fixed"; col: number; next: boolean }
  | { op: "const"; value: bigint }
  /** 1 on the first row, the last row, or every row but the last (for constraints that read `next`) */
  | { op: "sel"; which: "first" | "last" | "transition" }
  | { op: "add" | "sub" | "mul"; a: Expr; b: Expr }
  | { op: "neg"; a: Expr };

export interface Interaction {
  /** the bus this term belongs to (e.g. "state", "memory", "range16", "rom") */
  bus: string;
  /** the tuple sent or received; every chip on a bus uses the same arity */
  values: Expr[];
  /** positive for a send, negative for a receive; 0 on rows that take no part */
  multiplicity: Expr;
}

export interface Chip {
  name: string;
  /** names of the main (witness) columns, in order; `main` expressions index into this list */
  columns: string[];
  /** preprocessed columns: names and their values for a table of `height` rows */
  fixed?: { columns: string[]; values(height: number): bigint[][] };
  /** each must be zero on every row (multiply by a `sel` to restrict to the first, last or transition rows) */
  constraints: Expr[];
  interactions: Interaction[];
}

/** Terms on a bus that come from public values instead of a chip (the initial and final machine state,
 *  the program's input and output): added to the LogUp sum by prover and verifier alike. */
export interface BoundaryTerm {
  bus: string;
  values: bigint[];
  multiplicity: bigint;
}

export interface Air {
  chips: Chip[];
}

/** A filled table: `rows[r][c]` for column `c` of row `r`; height a power of two (padding rows must
 *  satisfy the constraints with every multiplicity zero). */
export interface ChipTrace {
  chip: string;
  rows: bigint[][];
}

// Builders, so chips read as equations: `sub(col(2), mul(col(0), col(1)))`.
export const col = (i: number, next = false): Expr => ({ op: "main", col: i, next });
export const fixedCol = (i: number, next = false): Expr => ({ op: "fixed", col: i, next });
export const cnst = (v: bigint | number): Expr => ({ op: "const", value: BigInt(v) });
export const add = (a: Expr, b: Expr): Expr => ({ op: "add", a, b });
export const sub = (a: Expr, b: Expr): Expr => ({ op: "sub", a, b });
export const mul = (a: Expr, b: Expr): Expr => ({ op: "mul", a, b });
export const neg = (a: Expr): Expr => ({ op: "neg", a });
export const first: Expr = { op: "sel", which: "first" };
export const last: Expr = { op: "sel", which: "last" };
export const transition: Expr = { op: "sel", which: "transition" };
export const sum = (xs: Expr[]): Expr => (xs.length === 0 ? cnst(0) : xs.reduce(add));

/** Degree of an expression in the trace columns (selectors count as degree 1, as they are polynomials). */
export function degree(e: Expr): number {
  switch (e.op) {
    case "main":
    case "fixed":
    case "sel":
      return 1;
    case "const":
      return 0;
    case "add":
    case "sub":
      return Math.max(degree(e.a), degree(e.b));
    case "mul":
      return degree(e.a) + degree(e.b);
    case "neg":
      return degree(e.a);
  }
}

/** Row context for evaluating an expression over a concrete trace, in any field given by `mod`. */
export interface RowWindow {
  main: (col: number, next: boolean) => bigint;
  fixed: (col: number, next: boolean) => bigint;
  row: number;
  height: number;
}

export function evalExpr(e: Expr, w: RowWindow, mod: bigint): bigint {
  const m = (x: bigint) => ((x % mod) + mod) % mod;
  switch (e.op) {
    case "main":
      return m(w.main(e.col, e.next));
    case "fixed":
      return m(w.fixed(e.col, e.next));
    case "const":
      return m(e.value);
    case "sel":
      if (e.which === "first") return w.row === 0 ? 1n : 0n;
      if (e.which === "last") return w.row === w.height - 1 ? 1n : 0n;
      return w.row === w.height - 1 ? 0n : 1n;
    case "add":
      return m(evalExpr(e.a, w, mod) + evalExpr(e.b, w, mod));
    case "sub":
      return m(evalExpr(e.a, w, mod) - evalExpr(e.b, w, mod));
    case "mul":
      return m(evalExpr(e.a, w, mod) * evalExpr(e.b, w, mod));
    case "neg":
      return m(-evalExpr(e.a, w, mod));
  }
}
