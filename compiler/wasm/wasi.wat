;; The WASI (wasi_snapshot_preview1) functions a guest may import, written against the zkVM's host
;; calls (spec/guests.md). compiler/wasm/wasi.ts lifts these functions into a guest that imports them;
;; their loads and stores then act on the guest's linear memory, and their two globals are appended
;; to the guest's. scripts/build-wasi.ts turns this text into compiler/wasm/wasi-wasm.ts.
;;
;; stdin (fd 0) is the zkVM's input, stdout (fd 1) its output; stderr (fd 2) is accepted and
;; dropped; any other descriptor is EBADF (8), and there are no preopened directories. Arguments and
;; environment are empty. The clock and the random bytes are deterministic, so a run is a function
;; of its input: the clock starts at 0 and advances 1 µs per reading (poll_oneoff moves it to the
;; earliest clock subscription's deadline, so a sleep ends); random_get is a SplitMix64 stream from
;; a fixed seed (not secret: a guest must not derive keys from it).
(module
  (import "zkvm" "input_len" (func $input_len (result i32)))
  (import "zkvm" "read_input" (func $read_input (param i32 i32)))
  (import "zkvm" "write_output" (func $write_output (param i32 i32)))
  (import "zkvm" "exit" (func $exit (param i32)))
  (memory 1)
  (global $clock (mut i64) (i64.const 0))
  (global $rng (mut i64) (i64.const 0x243f6a8885a308d3))

  (func (export "sched_yield") (result i32) (i32.const 0))
  (func (export "proc_exit") (param $code i32) (call $exit (local.get $code)) (unreachable))
  (func (export "args_get") (param i32 i32) (result i32) (i32.const 0))
  (func (export "environ_get") (param i32 i32) (result i32) (i32.const 0))
  (func $sizes (export "args_sizes_get") (param $n i32) (param $size i32) (result i32)
    (i32.store (local.get $n) (i32.const 0))
    (i32.store (local.get $size) (i32.const 0))
    (i32.const 0))
  (func (export "environ_sizes_get") (param $n i32) (param $size i32) (result i32)
    (call $sizes (local.get $n) (local.get $size)))
  (func (export "clock_time_get") (param $id i32) (param $precision i64) (param $out i32) (result i32)
    (global.set $clock (i64.add (global.get $clock) (i64.const 1000)))
    (i64.store (local.get $out) (global.get $clock))
    (i32.const 0))
  (func (export "random_get") (param $buf i32) (param $len i32) (result i32)
    (local $z i64)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $len)))
        ;; SplitMix64: one output byte per step (the low byte of the mixed state)
        (global.set $rng (i64.add (global.get $rng) (i64.const 0x9e3779b97f4a7c15)))
        (local.set $z (global.get $rng))
        (local.set $z (i64.mul (i64.xor (local.get $z) (i64.shr_u (local.get $z) (i64.const 30))) (i64.const 0xbf58476d1ce4e5b9)))
        (local.set $z (i64.mul (i64.xor (local.get $z) (i64.shr_u (local.get $z) (i64.const 27))) (i64.const 0x94d049bb133111eb)))
        (local.set $z (i64.xor (local.get $z) (i64.shr_u (local.get $z) (i64.const 31))))
        (i64.store8 (local.get $buf) (local.get $z))
        (local.set $buf (i32.add (local.get $buf) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $next)))
    (i32.const 0))
  (func (export "fd_write") (param $fd i32) (param $iovs i32) (param $n i32) (param $written i32) (result i32)
    (local $total i32) (local $len i32)
    (if (i32.gt_u (i32.sub (local.get $fd) (i32.const 1)) (i32.const 1)) (then (return (i32.const 8))))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $len (i32.load offset=4 (local.get $iovs)))
        (if (i32.eq (local.get $fd) (i32.const 1))
          (then (call $write_output (i32.load (local.get $iovs)) (local.get $len))))
        (local.set $total (i32.add (local.get $total) (local.get $len)))
        (local.set $iovs (i32.add (local.get $iovs) (i32.const 8)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (i32.store (local.get $written) (local.get $total))
    (i32.const 0))
  (func (export "fd_read") (param $fd i32) (param $iovs i32) (param $n i32) (param $read i32) (result i32)
    (local $total i32) (local $len i32) (local $k i32)
    (if (local.get $fd) (then (return (i32.const 8))))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $len (i32.load offset=4 (local.get $iovs)))
        (local.set $k (call $input_len))
        (if (i32.lt_u (local.get $len) (local.get $k)) (then (local.set $k (local.get $len))))
        (call $read_input (i32.load (local.get $iovs)) (local.get $k))
        (local.set $total (i32.add (local.get $total) (local.get $k)))
        (br_if $done (i32.lt_u (local.get $k) (local.get $len)))
        (local.set $iovs (i32.add (local.get $iovs) (i32.const 8)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (i32.store (local.get $read) (local.get $total))
    (i32.const 0))
  (func (export "fd_close") (param $fd i32) (result i32)
    (if (result i32) (i32.gt_u (local.get $fd) (i32.const 2)) (then (i32.const 8)) (else (i32.const 0))))
  (func (export "fd_fdstat_get") (param $fd i32) (param $out i32) (result i32)
    (if (i32.gt_u (local.get $fd) (i32.const 2)) (then (return (i32.const 8))))
    ;; a character device, no flags, every right
    (i64.store (local.get $out) (i64.const 2))
    (i64.store offset=8 (local.get $out) (i64.const -1))
    (i64.store offset=16 (local.get $out) (i64.const -1))
    (i32.const 0))
  (func (export "fd_fdstat_set_flags") (param $fd i32) (param $flags i32) (result i32)
    (if (result i32) (i32.gt_u (local.get $fd) (i32.const 2)) (then (i32.const 8)) (else (i32.const 0))))
  (func (export "fd_prestat_get") (param i32 i32) (result i32) (i32.const 8))
  (func (export "fd_prestat_dir_name") (param i32 i32 i32) (result i32) (i32.const 8))
  ;; Every subscription happens at once: a clock subscription (tag 0) moves the clock to its
  ;; deadline (absolute when flag 1 is set) if that is later; reading or writing (tags 1, 2) is ready.
  (func (export "poll_oneoff") (param $in i32) (param $out i32) (param $n i32) (param $nevents i32) (result i32)
    (local $i i32) (local $t i64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.eqz (i32.load8_u offset=8 (local.get $in)))
          (then
            (local.set $t (i64.load offset=24 (local.get $in)))
            (if (i32.eqz (i32.and (i32.load16_u offset=40 (local.get $in)) (i32.const 1)))
              (then (local.set $t (i64.add (global.get $clock) (local.get $t)))))
            (if (i64.gt_u (local.get $t) (global.get $clock)) (then (global.set $clock (local.get $t))))))
        ;; the event: userdata, error 0, the subscription's type, nbytes 0, flags 0
        (i64.store (local.get $out) (i64.load (local.get $in)))
        (i64.store offset=8 (local.get $out) (i64.extend_i32_u (i32.shl (i32.load8_u offset=8 (local.get $in)) (i32.const 16))))
        (i64.store offset=16 (local.get $out) (i64.const 0))
        (i64.store offset=24 (local.get $out) (i64.const 0))
        (local.set $in (i32.add (local.get $in) (i32.const 48)))
        (local.set $out (i32.add (local.get $out) (i32.const 32)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.store (local.get $nevents) (local.get $n))
    (i32.const 0))
)
