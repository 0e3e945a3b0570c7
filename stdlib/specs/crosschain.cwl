//! Cross-chain protocols: a hashed-timelock atomic swap (HTLC) and a lock-and-mint relay over an
//! unreliable network.

/// Alice locks on chain A until `ta`, Bob on chain B until `tb`. Alice claims B by revealing the
/// secret before `tb`; Bob, who reacts within `delta` ticks, uses it to claim A before `ta`.
/// Atomicity: neither party ends with both the other's coins and its own refund.
spec Htlc {
    params ta: u32 = 4, tb: u32 = 2, delta: u32 = 1, tmax: u32 = 6;
    state clock: i32 = 0;
    /// 0 unlocked, 1 locked, 2 claimed by the counterparty, 3 refunded
    state lock_a: i32 = 0;
    state lock_b: i32 = 0;
    state revealed: bool = false;
    state revealed_at: i32 = 0;

    action alice_lock() when lock_a == 0 && clock < tb {
        lock_a = 1;
    }
    action bob_lock() when lock_a == 1 && lock_b == 0 && clock < tb {
        lock_b = 1;
    }
    action alice_claim() when lock_b == 1 && clock < tb {
        lock_b = 2;
        revealed = true;
        revealed_at = clock;
    }
    action bob_claim() when lock_a == 1 && revealed && clock < ta {
        lock_a = 2;
    }
    action alice_refund() when lock_a == 1 && clock >= ta {
        lock_a = 3;
    }
    action bob_refund() when lock_b == 1 && clock >= tb {
        lock_b = 3;
    }
    /// Time passes, but not past Bob's reaction deadline once the secret is public.
    action tick() when clock < tmax && !(revealed && lock_a == 1 && clock >= revealed_at + delta) {
        clock = clock + 1;
    }

    invariant atomic_for_bob: !(lock_b == 2 && lock_a == 3);
    invariant atomic_for_alice: !(lock_a == 2 && lock_b == 3);
    /// Time runs out with both locks resolved (a stuck lock or a stopped clock fails this).
    property settles: eventually (clock == tmax && lock_a != 1 && lock_b != 1) under weak_fairness;
}

/// Flawed: both timelocks expire together, so Alice can claim B late and still refund A.
spec HtlcEqualTimeouts {
    params ta: u32 = 2, tb: u32 = 2, delta: u32 = 1, tmax: u32 = 6;
    state clock: i32 = 0;
    state lock_a: i32 = 0;
    state lock_b: i32 = 0;
    state revealed: bool = false;
    state revealed_at: i32 = 0;

    action alice_lock() when lock_a == 0 && clock < tb {
        lock_a = 1;
    }
    action bob_lock() when lock_a == 1 && lock_b == 0 && clock < tb {
        lock_b = 1;
    }
    action alice_claim() when lock_b == 1 && clock < tb {
        lock_b = 2;
        revealed = true;
        revealed_at = clock;
    }
    action bob_claim() when lock_a == 1 && revealed && clock < ta {
        lock_a = 2;
    }
    action alice_refund() when lock_a == 1 && clock >= ta {
        lock_a = 3;
    }
    action bob_refund() when lock_b == 1 && clock >= tb {
        lock_b = 3;
    }
    action tick() when clock < tmax && !(revealed && lock_a == 1 && clock >= revealed_at + delta) {
        clock = clock + 1;
    }

    invariant atomic_for_bob: !(lock_b == 2 && lock_a == 3);
    invariant atomic_for_alice: !(lock_a == 2 && lock_b == 3);
    /// Time runs out with both locks resolved (a stuck lock or a stopped clock fails this).
    property settles: eventually (clock == tmax && lock_a != 1 && lock_b != 1) under weak_fairness;
}

/// Lock on chain A, relay the message, mint on chain B. The network may drop, reorder and
/// duplicate (replay) messages, and an attacker injects one junk message. Nothing is minted twice
/// or without a lock; with fair delivery every surviving transfer is minted.
spec Relay {
    params n: u32 = 2;
    type Id = 0..n;
    state net: Set<Id> = set();
    state sent: Set<Id> = set();
    state minted: Map<Id, i32> = [0; n];
    state done: Map<Id, bool> = [false; n];

    action lock(i: Id) when !(i in sent) {
        sent = sent.insert(i);
        net = net.insert(i);
    }
    /// Chain B checks the lock proof (`i in sent`) and that the transfer is not minted yet.
    action deliver(i: Id) when i in net && i in sent && !done[i] {
        net = net.remove(i);
        minted[i] = minted[i] + 1;
        done[i] = true;
    }

    invariant no_double_mint: forall i: Id. minted[i] <= 1;
    invariant no_mint_without_lock: forall i: Id. minted[i] > 0 => i in sent;
    adversary network(drop, duplicate, reorder);
    adversary flood(1);
}

/// Flawed: chain B does not remember minted transfers, so a replayed message mints again.
spec RelayNoReplayCheck {
    params n: u32 = 2;
    type Id = 0..n;
    state net: Set<Id> = set();
    state sent: Set<Id> = set();
    state minted: Map<Id, i32> = [0; n];
    state done: Map<Id, bool> = [false; n];

    action lock(i: Id) when !(i in sent) {
        sent = sent.insert(i);
        net = net.insert(i);
    }
    action deliver(i: Id) when i in net && i in sent {
        net = net.remove(i);
        minted[i] = minted[i] + 1;
        done[i] = true;
    }

    invariant no_double_mint: forall i: Id. minted[i] <= 1;
    invariant no_mint_without_lock: forall i: Id. minted[i] > 0 => i in sent;
    adversary network(drop, duplicate, reorder);
    adversary flood(1);
}
