// ChainWeave's minimal hls_stream.h: hls::stream<T, DEPTH> for C simulation with g++. Vitis's header
// replaces it in synthesis (same names: read, write, read_nb, write_nb, empty, full, size, <<, >>).
// C simulation runs the processes of a DATAFLOW region one after another, as Vitis csim does, so a
// write never blocks here (the FIFO grows past DEPTH; the high-water mark is kept for reports) and a
// read from an empty stream — a deadlock in hardware — is a fatal error. Data left in a stream when it
// is destroyed is reported like Vitis does; with CWL_HLS_STRICT_STREAMS defined (cwl's csim builds)
// it aborts, because a stage pair that pushes more than it pops is a generator bug.
#ifndef CWL_HLS_STREAM_H
#define CWL_HLS_STREAM_H
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>

namespace hls {
template <typename T, int DEPTH = 0>
class stream;

// As in Vitis, stream<T, DEPTH> derives from stream<T> (= stream<T, 0>), so a process parameter
// `hls::stream<T>&` binds to a FIFO declared with a depth.
template <typename T>
class stream<T, 0> {
  std::deque<T> q;
  std::string name_;
  size_t high_ = 0;

 protected:
  int depth_ = 0;

 public:
  stream() {}
  explicit stream(const char* name) : name_(name) {}
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;
  ~stream() {
    if (!q.empty()) {
      std::fprintf(stderr, "WARNING: Hls::stream '%s' contains leftover data (%zu), which may result in RTL simulation hanging.\n", name_.c_str(), q.size());
#ifdef CWL_HLS_STRICT_STREAMS
      std::abort();
#endif
    }
  }
  /** Blocking write (never blocks in C simulation, see above). */
  void write(const T& v) {
    q.push_back(v);
    if (q.size() > high_) high_ = q.size();
  }
  /** Blocking read: reading an empty stream deadlocks in hardware; here it is a fatal error. */
  T read() {
    if (q.empty()) {
      std::fprintf(stderr, "hls::stream '%s': read from empty stream (deadlock in hardware)\n", name_.c_str());
      std::abort();
    }
    T v = q.front();
    q.pop_front();
    return v;
  }
  void read(T& v) { v = read(); }
  bool read_nb(T& v) {
    if (q.empty()) return false;
    v = read();
    return true;
  }
  /** Non-blocking write: refused when a bounded FIFO is full. */
  bool write_nb(const T& v) {
    if (full()) return false;
    write(v);
    return true;
  }
  void operator<<(const T& v) { write(v); }
  void operator>>(T& v) { v = read(); }
  bool empty() const { return q.empty(); }
  /** Full at DEPTH tokens (a DEPTH of 0 is Vitis's default depth; unbounded here). */
  bool full() const { return depth_ > 0 && q.size() >= (size_t)depth_; }
  size_t size() const { return q.size(); }
  /** Most tokens the stream ever held (C simulation only; not in Vitis's header). */
  size_t high_water() const { return high_; }
  int depth() const { return depth_; }
};

template <typename T, int DEPTH>
class stream : public stream<T, 0> {
  static_assert(DEPTH > 0, "hls::stream depth must be positive");

 public:
  stream() { this->depth_ = DEPTH; }
  explicit stream(const char* name) : stream<T, 0>(name) { this->depth_ = DEPTH; }
};
}  // namespace hls
#endif
