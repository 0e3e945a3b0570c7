// Dynamic (advice) lookup tables end to end: `.cwl` with `push`/`lookup` → interpreter → PLONKish
// layout → MockProver → KZG prover/verifier, including the ways a bad witness must be rejected.
import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compileSource } from "../../compiler/pipeline/index.ts";
import { lineColOf } from "../../base/files/index.ts";
import { compilePlonkish, witnessFor, type CompiledCircuit } from "../../backends/plonkish/index.ts";
import {
  Circuit,
  Expression,
  LookupError,
  MockProver,
  emptyWitness,
  insecureDevSrs,
  keygen,
  prove,
  stats,
  usableRows,
  verify,
  type InsecureDevSrs,
  type ProvingKey,
  type Witness,
} from "../../runtime/plonk/index.ts";
import { fr } from "../../runtime/poly/index.ts";
import { SPECIAL, allConstraints } from "../../runtime/plonk/constraints.ts";

const DIR = join(import.meta.dirname, "fixtures");
const SRC_PATH = "test/plonk/fixtures/dynamic_table.cwl";
const SRC = readFileSync(join(DIR, "dynamic_table.cwl"), "utf8");

const GOOD = { total: "1000", keys: ["11", "12", "13", "14"], values: ["100", "200", "300", "400"], reads: ["200", "400"] };
/** reads[1] = 401: the tuple (3, 14, 401) was never pushed. */
const BAD = { ...GOOD, reads: ["200", "401"] };

function compile(path: string, text: string) {
  const r = compileSource(path, text);
  expect(r.diagnostics).toEqual([]);
  const p = compilePlonkish(r.ir!);
  expect(p.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return { c: p.compiled!, fm: r.fm };
}

/** `line:col` of the n-th occurrence (0-based) of `needle` in the source. */
function where(needle: string, nth = 0): string {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = SRC.indexOf(needle, at + 1);
  const lines = SRC.slice(0, at).split("\n");
  return `${lines.length}:${lines[lines.length - 1].length + 1}`;
}

let srs: InsecureDevSrs;
let c: CompiledCircuit;
let fileOf: (id: number) => ReturnType<ReturnType<typeof compile>["fm"]["get"]>;
let pk: ProvingKey;

beforeAll(async () => {
  srs = insecureDevSrs(1 << 8);
  const r = compile(SRC_PATH, SRC);
  c = r.c;
  fileOf = (id) => r.fm.get(id);
  pk = await keygen(srs, c.program.circuit);
});

function witness(inputs: object): { w: Witness; diagnostics: string[] } {
  const { witness: w, run } = witnessFor(c, inputs as Record<string, unknown>);
  const diagnostics = run.diagnostics.map((d) => {
    const f = d.span ? fileOf(d.span.file) : undefined;
    const lc = f && d.span ? lineColOf(f, d.span.start) : undefined;
    return `${d.code} @ ${lc ? `${lc.line}:${lc.col}` : "?"}: ${d.message}`;
  });
  return { w: w!, diagnostics };
}

describe("dynamic table: layout", () => {
  it("uses selectors q_push/q_lookup, one lookup argument and keeps the degree at 4", () => {
    const st = stats(c.program.circuit);
    const names = c.program.circuit.columns.map((x) => x.name);
    expect(names).toContain("q_push_kv_ops");
    expect(names).toContain("q_lookup_kv_ops");
    expect(st.lookups).toBe(1);
    // arithmetic gate 3 (+1 for the active selector); logUp 2 + deg f + deg t = 2 + 1 + 1.
    expect(st.maxDegree).toBe(4);
    // The table reads advice: a, b, c of the push rows.
    const l = c.program.circuit.lookups[0];
    expect(l.table.flatMap((e) => e.queries()).some((q) => q.column.kind === "advice")).toBe(true);
  });
});

describe("dynamic table: good witness (lookup before push, duplicate rows, pushes in a fn)", () => {
  it("passes the interpreter and MockProver, proves and verifies", async () => {
    const { w, diagnostics } = witness(GOOD);
    expect(diagnostics).toEqual([]);
    expect(MockProver.run(c.program.circuit, w, { fileOf }).messages()).toEqual([]);
    const proof = await prove(pk, w);
    expect(await verify(pk.vk, w.instance, proof)).toBe(true);
    // The public input is bound: a wrong total is rejected.
    expect(await verify(pk.vk, [[fr.add(w.instance[0][0], 1n)]], proof)).toBe(false);
  });
});

describe("dynamic table: a looked-up tuple that was never pushed", () => {
  it("fails in the interpreter with E0502 at the lookup, naming tuple and table", () => {
    const { diagnostics } = witness(BAD);
    expect(diagnostics).toEqual([
      `E0502 @ ${where("lookup (", 1)}: lookup failed: (3, 14, 401) is not in @kv_ops (no row pushed into this dynamic table matches) [in @Storage]`,
    ]);
  });

  it("fails in MockProver with the lookup's name, span and row", () => {
    const { w } = witness(BAD);
    const msgs = MockProver.run(c.program.circuit, w, { fileOf }).messages();
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatch(new RegExp(`^${SRC_PATH}:${where("lookup (", 1)}: lookup "kv_ops" at row \\d+: input \\(1, 3, 14, 401\\) is not in the table$`));
  });

  it("is refused by the real prover, and a forced proof does not verify", async () => {
    const { w } = witness(BAD);
    await expect(prove(pk, w)).rejects.toBeInstanceOf(LookupError);
    const forced = await prove(pk, w, { unchecked: true });
    expect(await verify(pk.vk, w.instance, forced)).toBe(false);
  });

  it("changing a pushed value (not the lookup) is caught as well", () => {
    const { w } = witness(GOOD);
    // Find the push row of (1, 12, 200) and break its value cell: the copy constraint catches it and
    // the first lookup, which needs that row, fails too (the duplicate row still serves it).
    const circuit = c.program.circuit;
    const qPush = circuit.columns.find((x) => x.name === "q_push_kv_ops")!.column;
    const rows = [...Array(circuit.rows).keys()].filter((r) => circuit.fixedValue(qPush, r) === 1n);
    expect(rows).toHaveLength(5);
    for (const r of rows) if (w.advice[1][r] === 12n) w.advice[2][r] = 201n;
    const msgs = MockProver.run(circuit, w, { fileOf }).messages();
    expect(msgs.some((m) => m.includes("copy constraint"))).toBe(true);
    expect(msgs.some((m) => m.includes(`lookup "kv_ops"`))).toBe(true);
  });
});

describe("dynamic table: blinding rows cannot supply table rows", () => {
  it("a bad witness whose missing tuple sits in the blinding rows is rejected (compiled circuit)", async () => {
    const { w } = witness(BAD);
    const circuit = c.program.circuit;
    const n = pk.domain.n;
    const usable = pk.usable;
    expect(usable).toBe(usableRows(circuit, pk.vk.shape.k));
    expect(n - usable - 1).toBeGreaterThanOrEqual(3);
    // The prover draws blinding values column by column (rows usable+1 .. n-1) from `random`: make
    // every blinding row of a, b, c hold the missing tuple (3, 14, 401).
    const planted = [3n, 14n, 401n];
    const queue: bigint[] = [];
    for (let col = 0; col < circuit.numAdvice; col++) for (let r = usable + 1; r < n; r++) queue.push(planted[col] ?? 0n);
    let calls = 0;
    const random = () => (calls < queue.length ? queue[calls++] : BigInt(++calls));
    const forced = await prove(pk, w, { unchecked: true, random });
    // Every planted value was drawn (advice blinding comes first), and more randomness after it.
    expect(calls).toBeGreaterThan(queue.length);
    expect(await verify(pk.vk, w.instance, forced)).toBe(false);
    expect(MockProver.run(circuit, w).ok).toBe(false);
  });

  it("a raw advice table column (no selector): a value only in blinding rows is not a table row", async () => {
    // input q·x must lie in the advice column t; the only 7 is planted in t's blinding rows.
    const circ = new Circuit("advice-table");
    const x = circ.adviceColumn("x");
    const t = circ.adviceColumn("t");
    const q = circ.selector("q");
    circ.lookup("t", [Expression.query(q).mul(Expression.query(x))], [Expression.query(t)]);
    for (let r = 0; r < 4; r++) circ.enable(q, r);
    const w = emptyWitness(circ);
    w.advice[0] = [5n, 6n, 5n, 7n];
    w.advice[1] = [0n, 5n, 6n, 8n];
    const k = 5;
    const apk = await keygen(srs, circ, { k });
    const n = 1 << k;
    const usable = usableRows(circ, k);
    expect(MockProver.run(circ, w, { k }).messages()).toEqual(['lookup "t" at row 3: input (7) is not in the table']);
    const queue: bigint[] = [];
    for (let col = 0; col < 2; col++) for (let r = usable + 1; r < n; r++) queue.push(col === 1 ? 7n : 0n);
    let calls = 0;
    const random = () => (calls < queue.length ? queue[calls++] : BigInt(1000 + ++calls));
    await expect(prove(apk, w, { random })).rejects.toBeInstanceOf(LookupError);
    const forced = await prove(apk, w, { unchecked: true, random });
    expect(await verify(apk.vk, w.instance, forced)).toBe(false);
    // The same circuit with 7 in a usable row of t proves and verifies (the check above is not vacuous).
    w.advice[1][3] = 7n;
    expect(MockProver.run(circ, w, { k }).ok).toBe(true);
    expect(await verify(apk.vk, w.instance, await prove(apk, w))).toBe(true);
  });

  it("every lookup identity vanishes on a blinding row whatever its values (they are gated by `active`)", () => {
    const ch = { theta: 11n, beta: 13n, gamma: 17n };
    const lookupIds = allConstraints(pk.vk.shape, ch).filter((e) => e.queries().some((q) => q.column.kind === "lookup_phi" || q.column.kind === "lookup_m"));
    expect(lookupIds.length).toBe(3 * pk.vk.shape.lookups.length);
    let seed = 1n;
    const noise = () => (seed = (seed * 6364136223846793005n + 1442695040888963407n) % fr.R);
    for (const e of lookupIds) {
      // A blinding row: L_0 = L_u = active = 0; every column (advice, tables, m, φ) holds arbitrary values.
      const v = e.value((c) => (c.kind === "special" ? (c.index === SPECIAL.x ? noise() : 0n) : noise()));
      expect(v).toBe(0n);
      // And on an active row the same values do not satisfy it (the check is not vacuous).
      const onActive = e.value((c) => (c.kind === "special" ? (c.index === SPECIAL.active ? 1n : c.index === SPECIAL.x ? noise() : 0n) : noise()));
      if (e.queries().some((q) => q.column.kind === "special" && q.column.index === SPECIAL.active)) expect(onActive).not.toBe(0n);
    }
  });

  it("the constraint system refuses instance columns in a table", () => {
    const circ = new Circuit("instance-table");
    const x = circ.adviceColumn("x");
    const p = circ.instanceColumn("p");
    expect(() => circ.lookup("bad", [Expression.query(x)], [Expression.query(p)])).toThrow(/instance/);
  });
});

describe("lookups under a run-time condition", () => {
  it("are refused by the layout for dynamic and fixed tables alike (the cf.if stays)", () => {
    for (const table of ["table t: Field = dynamic;", "table t: u8 = 0..16;"]) {
      const push = table.includes("dynamic") ? "push a into t;" : "";
      const r = compileSource("cond.cwl", `${table}\ncircuit C(priv a: Field, priv flag: bool) {\n    ${push}\n    if flag {\n        lookup a in t;\n    }\n}\n`);
      expect(r.diagnostics).toEqual([]);
      const p = compilePlonkish(r.ir!);
      expect(p.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([expect.stringMatching(/^E0640 .*cf\.if/)]);
    }
  });
});

describe("dynamic table of 7 columns (the issue-6 storage-operation shape)", () => {
  it("lays out one row per push and per lookup, degree 4, and proves", async () => {
    const text = readFileSync(join(DIR, "dynamic_table7.cwl"), "utf8");
    const { c: c7 } = compile("test/plonk/fixtures/dynamic_table7.cwl", text);
    const ops = Array.from({ length: 8 }, (_, i) => Array.from({ length: 7 }, (_, j) => String(1000 * i + j)));
    const { witness: w, run } = witnessFor(c7, { ops });
    expect(run.diagnostics).toEqual([]);
    const st = stats(c7.program.circuit);
    expect(st.rows).toBe(16);
    expect(st.advice).toBe(7);
    expect(st.maxDegree).toBe(4);
    expect(MockProver.run(c7.program.circuit, w!).messages()).toEqual([]);
    const pk7 = await keygen(srs, c7.program.circuit);
    expect(await verify(pk7.vk, w!.instance, await prove(pk7, w!))).toBe(true);
    // One wrong entry (op 5, root_after) is found.
    const bad = ops.map((r) => r.slice());
    bad[5][6] = "1";
    const b = witnessFor(c7, { ops: bad });
    expect(b.run.diagnostics.map((d) => d.code)).toEqual([]); // the same tuple is pushed and looked up
    const w2 = b.witness!;
    // Break only the lookup side: the lookup rows' last column cell of op 5.
    const qLookup = c7.program.circuit.columns.find((x) => x.name === "q_lookup_storage_ops")!.column;
    const lookRows = [...Array(st.rows).keys()].filter((r) => c7.program.circuit.fixedValue(qLookup, r) === 1n);
    expect(lookRows).toHaveLength(8);
    w2.advice[6][lookRows[2]] = 2n; // lookups run i = 7..0, so the third is op 5
    expect(MockProver.run(c7.program.circuit, w2).ok).toBe(false);
  });
});
