// ChainWeave's minimal hls_stream.h: hls::stream<T> as an unbounded FIFO for C simulation with g++.
// Vitis's header replaces it in synthesis (same member names: read, write, empty, full, size).
#ifndef CWL_HLS_STREAM_H
#define CWL_HLS_STREAM_H
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>

namespace hls {
template <typename T>
class stream {
  std::deque<T> q;
  std::string name_;

 public:
  stream() {}
  explicit stream(const char* name) : name_(name) {}
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;
  void write(const T& v) { q.push_back(v); }
  /** Reading an empty stream deadlocks in hardware; in C simulation it is a fatal testbench error. */
  T read() {
    if (q.empty()) {
      std::fprintf(stderr, "hls::stream %s: read from empty stream\n", name_.c_str());
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
  bool write_nb(const T& v) {
    write(v);
    return true;
  }
  void operator<<(const T& v) { write(v); }
  void operator>>(T& v) { v = read(); }
  bool empty() const { return q.empty(); }
  bool full() const { return false; }
  size_t size() const { return q.size(); }
};
}  // namespace hls
#endif
