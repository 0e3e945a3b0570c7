// ChainWeave's minimal ap_int.h: the subset of Vitis HLS arbitrary-precision unsigned integers that
// cwl-generated kernels use, so g++ can compile and run the C simulation without Vitis installed.
// Semantics follow Vitis where the generated code relies on them: `+` widens by one bit, `*` returns
// the sum of widths, shifts keep the width, assignment/construction truncate or zero-extend.
// Vitis's own ap_int.h replaces this file in a real build (the generated code uses only these forms).
// Not provided: signed ap_int<N>, fixed point, range/bit *writes* (generated code never needs them).
#ifndef CWL_AP_INT_H
#define CWL_AP_INT_H
#include <cstdint>
#include <string>
#include <type_traits>

template <int W>
class ap_uint {
  static_assert(W >= 1 && W <= 4096, "ap_uint width out of range");

 public:
  static const int NW = (W + 31) / 32;
  uint32_t w[NW];

  ap_uint() { clear(); }
  template <typename T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0>
  ap_uint(T v) {
    clear();
    unsigned long long u = (unsigned long long)v;
    w[0] = (uint32_t)u;
    if (NW > 1) w[1] = (uint32_t)(u >> 32);
    // Negative integers sign-extend, as Vitis does when assigning an int to ap_uint.
    if (std::is_signed<T>::value && v < 0)
      for (int i = 2; i < NW; i++) w[i] = 0xffffffffu;
    mask();
  }
  template <int W2>
  ap_uint(const ap_uint<W2>& o) {
    clear();
    for (int i = 0; i < NW && i < ap_uint<W2>::NW; i++) w[i] = o.w[i];
    mask();
  }
  /** Literal in radix 2, 10 or 16; a leading 0x/0b is accepted (Vitis's string constructor). */
  ap_uint(const char* s, int radix = 10) {
    clear();
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X' || s[1] == 'b' || s[1] == 'B')) s += 2;
    for (; *s; s++) {
      int d = (*s >= '0' && *s <= '9') ? *s - '0' : (*s >= 'a' && *s <= 'f') ? *s - 'a' + 10 : (*s >= 'A' && *s <= 'F') ? *s - 'A' + 10 : -1;
      if (d < 0 || d >= radix) continue;
      mul_small((uint32_t)radix);
      add_small((uint32_t)d);
    }
    mask();
  }

  void clear() {
    for (int i = 0; i < NW; i++) w[i] = 0;
  }
  void mask() {
    if (W % 32) w[NW - 1] &= (1u << (W % 32)) - 1u;
  }
  void mul_small(uint32_t m) {
    uint64_t c = 0;
    for (int i = 0; i < NW; i++) {
      uint64_t t = (uint64_t)w[i] * m + c;
      w[i] = (uint32_t)t;
      c = t >> 32;
    }
  }
  void add_small(uint32_t a) {
    uint64_t c = a;
    for (int i = 0; i < NW && c; i++) {
      uint64_t t = (uint64_t)w[i] + c;
      w[i] = (uint32_t)t;
      c = t >> 32;
    }
  }

  unsigned int to_uint() const { return w[0]; }
  unsigned long long to_uint64() const { return (unsigned long long)w[0] | (NW > 1 ? (unsigned long long)w[1] << 32 : 0ull); }
  unsigned long to_ulong() const { return (unsigned long)to_uint64(); }
  bool is_zero() const {
    for (int i = 0; i < NW; i++)
      if (w[i]) return false;
    return true;
  }
  bool operator!() const { return is_zero(); }
  bool test(int i) const { return (w[i / 32] >> (i % 32)) & 1u; }
  bool operator[](int i) const { return test(i); }
  int length() const { return W; }

  /** Bits hi..lo as a value (Vitis returns a reference proxy; reads behave the same). */
  ap_uint<W> range(int hi, int lo) const {
    ap_uint<W> r = *this >> lo;
    int n = hi - lo + 1;
    for (int i = 0; i < NW; i++) {
      int b = i * 32;
      if (b >= n) r.w[i] = 0;
      else if (b + 32 > n) r.w[i] &= (1u << (n - b)) - 1u;
    }
    return r;
  }

  ap_uint<W> operator<<(int s) const {
    ap_uint<W> r;
    if (s >= W) return r;
    int ws = s / 32, bs = s % 32;
    for (int i = NW - 1; i >= 0; i--) {
      uint32_t v = 0;
      if (i - ws >= 0) v = w[i - ws] << bs;
      if (bs && i - ws - 1 >= 0) v |= w[i - ws - 1] >> (32 - bs);
      r.w[i] = v;
    }
    r.mask();
    return r;
  }
  ap_uint<W> operator>>(int s) const {
    ap_uint<W> r;
    if (s >= W) return r;
    int ws = s / 32, bs = s % 32;
    for (int i = 0; i < NW; i++) {
      uint32_t v = 0;
      if (i + ws < NW) v = w[i + ws] >> bs;
      if (bs && i + ws + 1 < NW) v |= w[i + ws + 1] << (32 - bs);
      r.w[i] = v;
    }
    return r;
  }
  ap_uint<W>& operator<<=(int s) { return *this = *this << s; }
  ap_uint<W>& operator>>=(int s) { return *this = *this >> s; }

  template <int W2>
  int cmp(const ap_uint<W2>& o) const {
    const int n = NW > ap_uint<W2>::NW ? NW : ap_uint<W2>::NW;
    for (int i = n - 1; i >= 0; i--) {
      uint32_t a = i < NW ? w[i] : 0, b = i < ap_uint<W2>::NW ? o.w[i] : 0;
      if (a != b) return a < b ? -1 : 1;
    }
    return 0;
  }

  template <typename T>
  ap_uint<W>& operator+=(const T& o) { return *this = *this + o; }
  template <typename T>
  ap_uint<W>& operator-=(const T& o) { return *this = *this - o; }
  template <typename T>
  ap_uint<W>& operator*=(const T& o) { return *this = *this * o; }
  template <typename T>
  ap_uint<W>& operator&=(const T& o) { return *this = *this & o; }
  template <typename T>
  ap_uint<W>& operator|=(const T& o) { return *this = *this | o; }
  template <typename T>
  ap_uint<W>& operator^=(const T& o) { return *this = *this ^ o; }

  /** Hex digits (no prefix), for testbenches. */
  std::string to_hex() const {
    static const char* d = "0123456789abcdef";
    std::string s;
    for (int i = NW - 1; i >= 0; i--)
      for (int k = 28; k >= 0; k -= 4) s.push_back(d[(w[i] >> k) & 15]);
    size_t nz = s.find_first_not_of('0');
    return nz == std::string::npos ? "0" : s.substr(nz);
  }
};

namespace cwl_ap_detail {
constexpr int max_w(int a, int b) { return a > b ? a : b; }
template <typename T>
struct lift {
  typedef ap_uint<64> type;
};
template <int W>
struct lift<ap_uint<W> > {
  typedef ap_uint<W> type;
};
}  // namespace cwl_ap_detail

template <int A, int B>
ap_uint<cwl_ap_detail::max_w(A, B) + 1> operator+(const ap_uint<A>& a, const ap_uint<B>& b) {
  ap_uint<cwl_ap_detail::max_w(A, B) + 1> r(a), o(b);
  uint64_t c = 0;
  for (int i = 0; i < r.NW; i++) {
    uint64_t t = (uint64_t)r.w[i] + o.w[i] + c;
    r.w[i] = (uint32_t)t;
    c = t >> 32;
  }
  r.mask();
  return r;
}
/** Wraps modulo 2^(max(A,B)+1); Vitis types this result signed, which only matters before truncation. */
template <int A, int B>
ap_uint<cwl_ap_detail::max_w(A, B) + 1> operator-(const ap_uint<A>& a, const ap_uint<B>& b) {
  ap_uint<cwl_ap_detail::max_w(A, B) + 1> r(a), o(b);
  int64_t br = 0;
  for (int i = 0; i < r.NW; i++) {
    int64_t t = (int64_t)r.w[i] - o.w[i] - br;
    br = t < 0;
    r.w[i] = (uint32_t)(t + (br ? (1ll << 32) : 0));
  }
  r.mask();
  return r;
}
template <int A, int B>
ap_uint<A + B> operator*(const ap_uint<A>& a, const ap_uint<B>& b) {
  ap_uint<A + B> r;
  for (int i = 0; i < a.NW; i++) {
    uint64_t c = 0;
    if (!a.w[i]) continue;
    for (int j = 0; j < b.NW && i + j < r.NW; j++) {
      uint64_t t = (uint64_t)a.w[i] * b.w[j] + r.w[i + j] + c;
      r.w[i + j] = (uint32_t)t;
      c = t >> 32;
    }
    if (i + b.NW < r.NW) r.w[i + b.NW] = (uint32_t)c;
  }
  r.mask();
  return r;
}
#define CWL_AP_BITOP(OP)                                                                  \
  template <int A, int B>                                                                 \
  ap_uint<cwl_ap_detail::max_w(A, B)> operator OP(const ap_uint<A>& a, const ap_uint<B>& b) { \
    ap_uint<cwl_ap_detail::max_w(A, B)> r(a), o(b);                                       \
    for (int i = 0; i < r.NW; i++) r.w[i] = r.w[i] OP o.w[i];                             \
    return r;                                                                             \
  }
CWL_AP_BITOP(&)
CWL_AP_BITOP(|)
CWL_AP_BITOP(^)
#undef CWL_AP_BITOP

#define CWL_AP_CMP(OP)                                                                        \
  template <int A, int B>                                                                     \
  bool operator OP(const ap_uint<A>& a, const ap_uint<B>& b) { return a.cmp(b) OP 0; }        \
  template <int A, typename T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0> \
  bool operator OP(const ap_uint<A>& a, T b) { return a.cmp(ap_uint<64>(b)) OP 0; }           \
  template <int A, typename T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0> \
  bool operator OP(T a, const ap_uint<A>& b) { return ap_uint<64>(a).cmp(b) OP 0; }
CWL_AP_CMP(==)
CWL_AP_CMP(!=)
CWL_AP_CMP(<)
CWL_AP_CMP(<=)
CWL_AP_CMP(>)
CWL_AP_CMP(>=)
#undef CWL_AP_CMP

// Mixed ap_uint ⊕ C integer: the integer is taken as a 64-bit ap_uint.
#define CWL_AP_MIXED(OP)                                                                          \
  template <int A, typename T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0> \
  auto operator OP(const ap_uint<A>& a, T b)->decltype(a OP ap_uint<64>(b)) { return a OP ap_uint<64>(b); } \
  template <int A, typename T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0> \
  auto operator OP(T a, const ap_uint<A>& b)->decltype(ap_uint<64>(a) OP b) { return ap_uint<64>(a) OP b; }
CWL_AP_MIXED(+)
CWL_AP_MIXED(-)
CWL_AP_MIXED(*)
CWL_AP_MIXED(&)
CWL_AP_MIXED(|)
CWL_AP_MIXED(^)
#undef CWL_AP_MIXED

#endif
