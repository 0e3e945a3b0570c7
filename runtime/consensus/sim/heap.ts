// A binary min-heap of simulator events ordered by (time, sequence number): ties run in the order they
// were scheduled, which is what makes a run a function of its seed.
export interface Ev {
  t: number;
  seq: number;
}

export class EventHeap<E extends Ev> {
  private a: E[] = [];
  get size(): number {
    return this.a.length;
  }
  private less(x: E, y: E): boolean {
    return x.t < y.t || (x.t === y.t && x.seq < y.seq);
  }
  push(e: E): void {
    const a = this.a;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop(): E | undefined {
    const a = this.a;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l], a[m])) m = l;
        if (r < a.length && this.less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}
