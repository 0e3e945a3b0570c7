//! Hash-chained ledger. Each block stores the hash of its predecessor (an injective stand-in for a
//! collision-resistant hash); blocks more than `k` deep are final. Forks may replace non-final
//! blocks only. Immutability: final blocks never change. Integrity: every link matches.

spec Ledger {
    params len: u32 = 3, k: u32 = 1;
    type Idx = 0..len;
    type Data = 0..2;
    state data: [i32; len] = [-1; len];
    /// link[i] is the hash of block i - 1.
    state link: [i32; len] = [0; len];
    state height: i32 = 0;
    state final_height: i32 = 0;
    /// What each block held when it became final.
    @ghost
    state final_data: [i32; len] = [-1; len];

    action append(d: Data) when height < len {
        if height > 0 {
            link[height] = data[height - 1] + 3 * link[height - 1] + 1;
        }
        data[height] = d;
        height = height + 1;
    }
    /// Blocks more than k deep become final.
    action finalize() when final_height < height - k {
        final_data[final_height] = data[final_height];
        final_height = final_height + 1;
    }
    /// A fork replaces block i and drops the blocks after it.
    action reorg(i: Idx, d: Data) when i < height && i >= final_height {
        data[i] = d;
        height = i + 1;
    }

    invariant immutability: forall i: Idx. i < final_height => data[i] == final_data[i];
    invariant integrity: forall i: Idx. i > 0 && i < height =>
        link[i] == data[i - 1] + 3 * link[i - 1] + 1;
}

/// Flawed: a fork may reach one block too deep and rewrite the newest final block.
spec LedgerDeepReorg {
    params len: u32 = 3, k: u32 = 1;
    type Idx = 0..len;
    type Data = 0..2;
    state data: [i32; len] = [-1; len];
    state link: [i32; len] = [0; len];
    state height: i32 = 0;
    state final_height: i32 = 0;
    @ghost
    state final_data: [i32; len] = [-1; len];

    action append(d: Data) when height < len {
        if height > 0 {
            link[height] = data[height - 1] + 3 * link[height - 1] + 1;
        }
        data[height] = d;
        height = height + 1;
    }
    action finalize() when final_height < height - k {
        final_data[final_height] = data[final_height];
        final_height = final_height + 1;
    }
    action reorg(i: Idx, d: Data) when i < height && i >= final_height - 1 {
        data[i] = d;
        height = i + 1;
    }

    invariant immutability: forall i: Idx. i < final_height => data[i] == final_data[i];
    invariant integrity: forall i: Idx. i > 0 && i < height =>
        link[i] == data[i - 1] + 3 * link[i - 1] + 1;
}
