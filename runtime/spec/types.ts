// Concrete (instantiated) types and the flat slot layout: every state is one Int32Array; a set over
// a finite domain is one 0/1 slot per element, a map one value block per key, a tuple the
// concatenation of its elements. Composite values are Int32Array copies in that same layout, so
// reading and writing a place is a slice/set at an offset.
export type Ty =
  | { k: "bool" }
  | { k: "int" }
  | { k: "dom"; name: string; lo: number; size: number; sym: boolean; labels?: string[] }
  | { k: "tuple"; elems: Ty[] }
  | { k: "array"; elem: Ty; len: number }
  | { k: "set"; elem: Ty }
  | { k: "map"; key: Ty; val: Ty };

export type Value = number | Int32Array;

export const isScalar = (t: Ty) => t.k === "bool" || t.k === "int" || t.k === "dom";

const slotCache = new WeakMap<Ty, number>();
export function slots(t: Ty): number {
  const c = slotCache.get(t);
  if (c !== undefined) return c;
  let n: number;
  switch (t.k) {
    case "bool":
    case "int":
    case "dom":
      n = 1;
      break;
    case "tuple":
      n = t.elems.reduce((a, e) => a + slots(e), 0);
      break;
    case "array":
      n = t.len * slots(t.elem);
      break;
    case "set":
      n = card(t.elem);
      break;
    case "map":
      n = card(t.key) * slots(t.val);
      break;
  }
  slotCache.set(t, n);
  return n;
}

/** Number of values of a finite type. */
export function card(t: Ty): number {
  switch (t.k) {
    case "bool":
      return 2;
    case "dom":
      return t.size;
    case "tuple":
      return t.elems.reduce((a, e) => a * card(e), 1);
    default:
      throw new Error(`not a finite type: ${t.k}`);
  }
}

/** Offset of each tuple element inside the tuple's slots. */
export function tupleOffsets(t: Extract<Ty, { k: "tuple" }>): number[] {
  const offs: number[] = [];
  let o = 0;
  for (const e of t.elems) {
    offs.push(o);
    o += slots(e);
  }
  return offs;
}

/** Mixed-radix index of a finite value in 0..card(t); -1 when it lies outside the domain. */
export function indexOf(t: Ty, v: Value, at = 0): number {
  if (t.k === "bool") return typeof v === "number" ? (v ? 1 : 0) : v[at] ? 1 : 0;
  if (t.k === "dom") {
    const x = (typeof v === "number" ? v : v[at]) - t.lo;
    return x >= 0 && x < t.size ? x : -1;
  }
  if (t.k === "tuple") {
    const arr = v as Int32Array;
    let idx = 0;
    let o = at;
    for (const e of t.elems) {
      const i = indexOf(e, arr, o);
      if (i < 0) return -1;
      idx = idx * card(e) + i;
      o += slots(e);
    }
    return idx;
  }
  throw new Error(`not a finite type: ${t.k}`);
}

/** Inverse of indexOf. */
export function valueAt(t: Ty, idx: number): Value {
  if (t.k === "bool") return idx;
  if (t.k === "dom") return t.lo + idx;
  if (t.k === "tuple") {
    const out = new Int32Array(slots(t));
    writeIndex(t, idx, out, 0);
    return out;
  }
  throw new Error(`not a finite type: ${t.k}`);
}

function writeIndex(t: Ty, idx: number, out: Int32Array, at: number): void {
  if (t.k === "tuple") {
    const offs = tupleOffsets(t);
    for (let i = t.elems.length - 1; i >= 0; i--) {
      const c = card(t.elems[i]);
      writeIndex(t.elems[i], idx % c, out, at + offs[i]);
      idx = Math.floor(idx / c);
    }
  } else out[at] = t.k === "dom" ? t.lo + idx : idx;
}

const valuesCache = new WeakMap<Ty, Value[]>();
export function valuesOf(t: Ty): Value[] {
  let vs = valuesCache.get(t);
  if (!vs) {
    vs = [];
    for (let i = 0, n = card(t); i < n; i++) vs.push(valueAt(t, i));
    valuesCache.set(t, vs);
  }
  return vs;
}

export function read(t: Ty, buf: Int32Array, off: number): Value {
  return isScalar(t) ? buf[off] : buf.slice(off, off + slots(t));
}

export function write(t: Ty, buf: Int32Array, off: number, v: Value): void {
  if (typeof v === "number") buf[off] = v;
  else buf.set(v, off);
}

export function zero(t: Ty): Value {
  return isScalar(t) ? (t.k === "dom" ? t.lo : 0) : new Int32Array(slots(t));
}

export function valueEq(a: Value, b: Value): boolean {
  if (typeof a === "number" || typeof b === "number") return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Human-readable value, in cwl syntax where there is one. */
export function show(t: Ty, v: Value, at = 0): string {
  const arr = v as Int32Array;
  const scalar = (x: number) =>
    t.k === "bool" ? (x ? "true" : "false") : t.k === "dom" && t.labels ? (t.labels[x - t.lo] ?? String(x)) : String(x);
  switch (t.k) {
    case "bool":
    case "int":
    case "dom":
      return scalar(typeof v === "number" ? v : arr[at]);
    case "tuple": {
      const offs = tupleOffsets(t);
      return `(${t.elems.map((e, i) => show(e, arr, at + offs[i])).join(", ")})`;
    }
    case "array": {
      const es = slots(t.elem);
      const parts: string[] = [];
      for (let i = 0; i < t.len; i++) parts.push(show(t.elem, arr, at + i * es));
      return `[${parts.join(", ")}]`;
    }
    case "set": {
      const parts: string[] = [];
      const n = card(t.elem);
      for (let i = 0; i < n; i++) if (arr[at + i]) parts.push(show(t.elem, valueAt(t.elem, i)));
      return `{${parts.join(", ")}}`;
    }
    case "map": {
      const vs = slots(t.val);
      const parts: string[] = [];
      const n = card(t.key);
      for (let i = 0; i < n; i++) parts.push(`${show(t.key, valueAt(t.key, i))}: ${show(t.val, arr, at + i * vs)}`);
      return `{${parts.join(", ")}}`;
    }
  }
}

/** indexOf specialised for one type (domains and bools are the hot case in guards). */
export function indexer(t: Ty): (v: Value) => number {
  if (t.k === "dom") {
    const lo = t.lo;
    const size = t.size;
    return (v) => {
      const x = (v as number) - lo;
      return x >= 0 && x < size ? x : -1;
    };
  }
  if (t.k === "bool") return (v) => (v ? 1 : 0);
  return (v) => indexOf(t, v);
}
