//! Optimistic rollup: a sequencer posts a state root, which finalises only after a challenge window
//! of `w` ticks. An honest challenger re-executes every batch and challenges a fraudulent root
//! within the window; then a fraudulent root is never finalised.

spec Rollup {
    params w: u32 = 2, tmax: u32 = 4;
    state clock: i32 = 0;
    state posted: bool = false;
    state posted_at: i32 = 0;
    /// Whether the posted root is fraudulent: the sequencer's choice, visible only by re-execution.
    @ghost
    state fraud: bool;
    state challenged: bool = false;
    state finalized: bool = false;

    action post() when !posted && clock + w <= tmax {
        posted = true;
        posted_at = clock;
    }
    /// The honest challenger's re-execution finds the fraud.
    action challenge() when posted && fraud && !challenged && !finalized && clock < posted_at + w {
        challenged = true;
    }
    action finalize() when posted && !challenged && !finalized && clock >= posted_at + w {
        finalized = true;
    }
    /// Time passes; the sequencer posts while a full window still fits before `tmax`, and the honest
    /// challenger is never slower than the window.
    action tick() when clock < tmax &&
        (posted || clock + w < tmax) &&
        !(posted && fraud && !challenged && clock + 1 >= posted_at + w) {
        clock = clock + 1;
    }

    invariant no_fraudulent_finality: !(finalized && fraud);
    property resolves: eventually (finalized || challenged) under weak_fairness;
}

/// Flawed: finalisation does not wait for the challenge window (missing timeout).
spec RollupNoWindow {
    params w: u32 = 2, tmax: u32 = 4;
    state clock: i32 = 0;
    state posted: bool = false;
    state posted_at: i32 = 0;
    @ghost
    state fraud: bool;
    state challenged: bool = false;
    state finalized: bool = false;

    action post() when !posted && clock + w <= tmax {
        posted = true;
        posted_at = clock;
    }
    action challenge() when posted && fraud && !challenged && !finalized && clock < posted_at + w {
        challenged = true;
    }
    action finalize() when posted && !challenged && !finalized {
        finalized = true;
    }
    action tick() when clock < tmax &&
        (posted || clock + w < tmax) &&
        !(posted && fraud && !challenged && clock + 1 >= posted_at + w) {
        clock = clock + 1;
    }

    invariant no_fraudulent_finality: !(finalized && fraud);
    property resolves: eventually (finalized || challenged) under weak_fairness;
}
