//! BFT consensus (HotStuff/PBFT-style single-shot voting) with the three flexible-quorum modes:
//!   mode 0: all n nodes vote, a quorum is more than 2n/3 of them;
//!   mode 1: a committee (nodes 0..c) votes, a quorum is more than 2c/3 of the committee;
//!   mode 2: the whole committee must vote.
//! Node 0 leads: its vote is the proposal, the other honest nodes vote for it once. Up to f nodes
//! are byzantine: they vote for any values, any number of times (equivocation), and never owe a vote.
//! Checked bounds (test/spec): n = 4, f = 1 in modes 0, 1 and 2 (c = 4), and n = 5, c = 4, mode 1.

spec Bft {
    params n: u32 = 4, f: u32 = 1, c: u32 = 4, mode: u32 = 0;
    type Node = 0..n;
    type Val = 0..2;
    state votes: Map<Node, Set<Val>> = [set(); n];
    state decided: Map<Node, i32> = [-1; n];

    /// The leader votes for a value of its choice; every other node votes for the leader's value.
    @byzantine
    action vote(p: Node, v: Val) when votes[p].is_empty() && (p == 0 || v in votes[0]) {
        votes[p] = votes[p].insert(v);
    }

    action decide(p: Node, v: Val) when decided[p] < 0 &&
        ((mode == 0 && count(q: Node | v in votes[q]) > 2 * n / 3) ||
            (mode == 1 && count(q: Node | q < c && v in votes[q]) > 2 * c / 3) ||
            (mode == 2 && count(q: Node | q < c && v in votes[q]) >= c)) {
        decided[p] = v;
    }

    invariant agreement: forall a: Node, b: Node. honest(a) &&
        honest(b) &&
        decided[a] >= 0 &&
        decided[b] >= 0 =>
        decided[a] == decided[b];
    /// With an honest leader (and, for mode 2, an all-honest committee) every honest node decides.
    property live: eventually ((exists q: Node. byzantine(q) && (q == 0 || (mode == 2 && q < c))) ||
        forall p: Node. honest(p) => decided[p] >= 0) under weak_fairness;
    adversary byzantine(f);
}

/// Flawed: a quorum of half the nodes. Two halves need not share an honest node, so an
/// equivocating leader gets two values decided.
spec BftHalfQuorum {
    params n: u32 = 4, f: u32 = 1;
    type Node = 0..n;
    type Val = 0..2;
    state votes: Map<Node, Set<Val>> = [set(); n];
    state decided: Map<Node, i32> = [-1; n];

    @byzantine
    action vote(p: Node, v: Val) when votes[p].is_empty() && (p == 0 || v in votes[0]) {
        votes[p] = votes[p].insert(v);
    }
    action decide(p: Node, v: Val) when decided[p] < 0 && count(q: Node | v in votes[q]) >= n / 2 {
        decided[p] = v;
    }

    invariant agreement: forall a: Node, b: Node. honest(a) &&
        honest(b) &&
        decided[a] >= 0 &&
        decided[b] >= 0 =>
        decided[a] == decided[b];
    property live: eventually (byzantine(0) ||
        forall p: Node. honest(p) => decided[p] >= 0) under weak_fairness;
    adversary byzantine(f);
}

/// Flawed: "whole committee" mode that decides on c - 1 of the c committee votes.
spec BftCommitteeWithoutAll {
    params n: u32 = 4, f: u32 = 1, c: u32 = 3;
    type Node = 0..n;
    type Val = 0..2;
    state votes: Map<Node, Set<Val>> = [set(); n];
    state decided: Map<Node, i32> = [-1; n];

    @byzantine
    action vote(p: Node, v: Val) when votes[p].is_empty() && (p == 0 || v in votes[0]) {
        votes[p] = votes[p].insert(v);
    }
    action decide(p: Node, v: Val) when decided[p] < 0 &&
        count(q: Node | q < c && v in votes[q]) >= c - 1 {
        decided[p] = v;
    }

    invariant agreement: forall a: Node, b: Node. honest(a) &&
        honest(b) &&
        decided[a] >= 0 &&
        decided[b] >= 0 =>
        decided[a] == decided[b];
    property live: eventually ((exists q: Node. byzantine(q) && q < c) ||
        forall p: Node. honest(p) => decided[p] >= 0) under weak_fairness;
    adversary byzantine(f);
}
