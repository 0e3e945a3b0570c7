//! A mixer: k users deposit, then k fresh recipients withdraw. The secret is which depositor pays
//! which recipient (`perm`); the chain observer sees every deposit and withdrawal, in order. The
//! observer's view must not depend on the secret (noninterference, checked by self-composition).

spec Mixer {
    params k: u32 = 2;
    type User = 0..k;
    /// Secret: recipient r is paid by depositor r (false) or by depositor k - 1 - r (true).
    state perm: bool;
    state deposited: [bool; k] = [false; k];
    state deposits: i32 = 0;
    state paid: [bool; k] = [false; k];
    state paid_by: [i32; k] = [-1; k];
    /// Public: the on-chain events in order (u = deposit by u, 10 + r = withdrawal to r).
    state log: [i32; 4] = [-1; 4];
    state len: i32 = 0;

    action deposit(u: User) when !deposited[u] {
        deposited[u] = true;
        deposits = deposits + 1;
        log[len] = u;
        len = len + 1;
    }
    /// Withdrawals wait until the whole batch has deposited.
    action withdraw(r: User) when !paid[r] && deposits >= k {
        paid[r] = true;
        paid_by[r] = if perm {
            k - 1 - r
        } else {
            r
        };
        log[len] = 10 + r;
        len = len + 1;
    }

    invariant solvent: count(r: User | paid[r]) <= deposits;
    property unlinkable: noninterference(secret: [perm], observer: [log, len]);
}

/// Flawed: pays a recipient as soon as its own depositor has deposited, so the timing of the
/// withdrawal links the two (leaking observation).
spec MixerLeaky {
    params k: u32 = 2;
    type User = 0..k;
    state perm: bool;
    state deposited: [bool; k] = [false; k];
    state deposits: i32 = 0;
    state paid: [bool; k] = [false; k];
    state paid_by: [i32; k] = [-1; k];
    state log: [i32; 4] = [-1; 4];
    state len: i32 = 0;

    action deposit(u: User) when !deposited[u] {
        deposited[u] = true;
        deposits = deposits + 1;
        log[len] = u;
        len = len + 1;
    }
    action withdraw(r: User) when !paid[r] &&
        deposited[if perm {
            k - 1 - r
        } else {
            r
        }] {
        paid[r] = true;
        paid_by[r] = if perm {
            k - 1 - r
        } else {
            r
        };
        log[len] = 10 + r;
        len = len + 1;
    }

    invariant solvent: count(r: User | paid[r]) <= deposits;
    property unlinkable: noninterference(secret: [perm], observer: [log, len]);
}
