// The checker's semantics on small inline specs: symmetry, weak fairness, bounded liveness,
// adversaries, noninterference, runtime errors and trace rendering.
import { describe, expect, it } from "vitest";
import { instantiate, checkInstance, formatViolation } from "../../runtime/spec/index.ts";
import { modelOf } from "./helpers.ts";

const check = (src: string, params: Record<string, number> = {}, opts = {}) => checkInstance(instantiate(modelOf(src, "T"), params), opts);

describe("symmetry reduction", () => {
  const src = `spec T {
    params n = 4;
    @symmetric type Node = 0..n;
    state voted: Map<Node, bool> = [false; n];
    state votes: i32 = 0;
    action vote(p: Node) when !voted[p] { voted[p] = true; votes = votes + 1; }
    invariant bounded: votes <= LIMIT;
    const LIMIT = 4;
  }`;
  it("folds renamings of symmetric ids and keeps the verdict", () => {
    const sym = check(src);
    const full = check(src, {}, { symmetry: false });
    expect(full.ok && sym.ok).toBe(true);
    expect(full.states).toBe(16);
    expect(sym.states).toBe(5);
  });
  it("replays a concrete counterexample through canonical states", () => {
    const r = check(src.replace("votes <= LIMIT", "votes <= 2"));
    expect(r.ok).toBe(false);
    const t = r.violations[0].trace;
    expect(t).toHaveLength(4);
    expect(new Set(t.slice(1).map((s) => s.action)).size).toBe(3);
  });
});

describe("liveness", () => {
  const toggler = (fair: string, guard = "true") => `spec T {
    state b: bool = false;
    state d: bool = false;
    action flip() when !d { b = !b; }
    action done() when ${guard} { d = true; }
    property fin: eventually d ${fair};
  }`;
  it("without fairness, a loop that never takes `done` is a counterexample (lasso)", () => {
    const r = check(toggler(""));
    expect(r.ok).toBe(false);
    expect(r.violations[0].kind).toBe("eventually");
    expect(r.violations[0].loopTo).toBeDefined();
  });
  it("weak fairness forces an action that stays enabled", () => {
    expect(check(toggler("under weak_fairness")).ok).toBe(true);
  });
  it("weak fairness does not force an action that is enabled only now and then", () => {
    const r = check(toggler("under weak_fairness", "b"));
    expect(r.ok).toBe(false);
    expect(formatViolation(r.violations[0])).toContain("loop starts here");
  });
  it("fairness restricted to named actions", () => {
    expect(check(toggler("under weak_fairness(flip)")).ok).toBe(false);
    expect(check(toggler("under weak_fairness(done)")).ok).toBe(true);
  });
  it("a deadlock where the goal does not hold is a counterexample", () => {
    const r = check(`spec T { state x: i32 = 0; action up() when x < 2 { x = x + 1; }
      property reach3: eventually x == 3 under weak_fairness; }`);
    expect(r.ok).toBe(false);
    expect(r.violations[0].message).toContain("stops");
    expect(r.violations[0].trace).toHaveLength(3);
  });
  it("bounded: `eventually within k` counts steps on every path", () => {
    const src = (k: number) => `spec T { state x: i32 = 0; action up() when x < 3 { x = x + 1; }
      property soon: eventually within ${k} x == 3; }`;
    expect(check(src(3)).ok).toBe(true);
    const r = check(src(2));
    expect(r.ok).toBe(false);
    expect(r.violations[0].kind).toBe("within");
    expect(r.violations[0].trace).toHaveLength(3);
  });
});

describe("adversaries", () => {
  it("byzantine(f): a byzantine actor skips the guard of @byzantine actions; honest() sees who", () => {
    const src = `spec T {
      params n = 3, f = 1;
      type Node = 0..n;
      state owner: i32 = -1;
      @byzantine action claim(p: Node) when false { owner = p; }
      invariant honest_owner: owner < 0 || honest(owner);
      adversary byzantine(f);
    }`;
    const r = check(src);
    expect(r.ok).toBe(false);
    expect(r.violations[0].trace[0].changes.find(([k]) => k === "byzantine")).toBeDefined();
    expect(check(src, { f: 0 }).ok).toBe(true);
  });
  const channel = (adv: string, guard = "") => `spec T {
    type M = 0..2;
    state net: Set<M> = set();
    state got: i32 = 0;
    state sent: bool = false;
    action send() when !sent { sent = true; net = net.insert(0); }
    action recv(m: M) when m in net ${guard} { net = net.remove(m); got = got + 1; }
    invariant once: got <= 1;
    property delivered: eventually got == 1 under weak_fairness;
    ${adv}
  }`;
  it("without an adversary the channel is reliable", () => {
    expect(check(channel("")).ok).toBe(true);
  });
  it("network(drop): a dropped message is never delivered", () => {
    const r = check(channel("adversary network(drop);"));
    expect(r.violations[0].property).toBe("delivered");
    expect(r.violations[0].trace.some((s) => s.adversarial && s.action === "drop(0)")).toBe(true);
  });
  it("network(duplicate): a replayed message is delivered twice", () => {
    const r = check(channel("adversary network(duplicate);"));
    expect(r.violations[0].property).toBe("once");
    expect(r.violations[0].trace.map((s) => s.action)).toContain("replay(0)");
  });
  it("flood(k): junk messages are injected", () => {
    const src = (k: number) => `spec T {
      type M = 0..3;
      state net: Set<M> = set();
      state forged: bool = false;
      action send() when !(0 in net) { net = net.insert(0); }
      action recv(m: M) when m in net { net = net.remove(m); forged = forged || m != 0; }
      invariant authentic: !forged;
      adversary flood(${k});
    }`;
    const r = check(src(1));
    expect(r.violations[0].property).toBe("authentic");
    expect(r.violations[0].trace.find((s) => s.adversarial)?.action).toMatch(/^inject\([12]\)$/);
    expect(check(src(0)).ok).toBe(true);
  });
});

describe("noninterference", () => {
  const src = (effect: string) => `spec T {
    state key: bool;
    state out: i32 = 0;
    state internal: i32 = 0;
    action act() when out == 0 { ${effect} }
    property private: noninterference(secret: [key], observer: [out]);
  }`;
  it("holds when the observer's view does not depend on the secret", () => {
    expect(check(src("out = 1; internal = if key { 1 } else { 2 };")).ok).toBe(true);
  });
  it("shows both runs when it leaks", () => {
    const r = check(src("out = if key { 1 } else { 2 };"));
    expect(r.ok).toBe(false);
    const v = r.violations[0];
    expect(v.kind).toBe("noninterference");
    expect(v.message).toBe("noninterference `private` fails: two runs that differ only in key are told apart by out");
    const last = v.trace[v.trace.length - 1].changes.map(([k, x]) => `${k}=${x}`);
    expect(last).toContain("run1.out=2");
    expect(last).toContain("run2.out=1");
  });
  it("an observable move that only one run can take is a leak", () => {
    const r = check(`spec T { state key: bool; state out: i32 = 0;
      action act() when key && out == 0 { out = 1; }
      property private: noninterference(secret: [key], observer: [out]); }`);
    expect(r.ok).toBe(false);
  });
});

describe("errors inside actions", () => {
  it("an out-of-bounds index is a violation with a trace", () => {
    const r = check(`spec T { state a: [i32; 2] = [0; 2]; state i: i32 = 0;
      action step() when true { i = i + 1; a[i] = 1; } }`);
    expect(r.ok).toBe(false);
    expect(r.violations[0].message).toContain("out of bounds");
    expect(r.violations[0].trace.map((s) => s.n)).toEqual([0, 1, 2]);
  });
  it("a failing assert names the action", () => {
    const r = check(`spec T { state x: i32 = 0; action step() when x < 5 { x = x + 1; assert x != 3; } }`);
    expect(r.violations[0].message).toMatch(/assertion failed in `step\(\)`/);
  });
  it("renders numbered steps with the file position of each action", () => {
    const r = check(`spec T {
  state x: i32 = 0;
  action up() when x < 3 { x = x + 1; }
  invariant small: x < 2;
}`);
    const text = formatViolation(r.violations[0], (sp) => `test.cwl:${sp.start}`);
    expect(text).toContain("1. up()  at test.cwl:");
    expect(text).toContain("2. up()");
    expect(text).toContain("x = 2");
  });
});

describe("parallel exploration", () => {
  it("two worker threads find the same states and an equally short counterexample", async () => {
    const { checkParallel } = await import("../../runtime/spec/index.ts");
    const src = `spec T {
      params n = 3;
      type Node = 0..n;
      state votes: Map<Node, i32> = [0; n];
      action vote(p: Node) when votes[p] < 2 { votes[p] = votes[p] + 1; }
      invariant total: count(p: Node | votes[p] == 2) < 3;
    }`;
    const m = modelOf(src, "T");
    const seq = checkInstance(instantiate(m));
    const par = await checkParallel(m, {}, { workers: 2 });
    expect(par.ok).toBe(false);
    expect(par.violations[0].trace).toHaveLength(seq.violations[0].trace.length);
    const fine = await checkParallel(m, { n: 2 }, { workers: 2 });
    expect(fine.ok).toBe(true);
    expect(fine.states).toBe(checkInstance(instantiate(m, { n: 2 })).states);
  });
});
