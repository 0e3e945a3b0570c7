// A small JSON parse, as examples/guests/rust/json.rs: the input is one JSON value whose numbers are
// integers (up to 64 bits); the output is the value written back compactly, in the form JavaScript's
// JSON.stringify gives, then a newline and the sum of every number in it. Malformed input exits with 1.
package main

import (
	"errors"
	"strconv"
	"unicode/utf8"

	"cwlguest"
)

var errSyntax = errors.New("syntax")

type parser struct {
	s   []byte
	i   int
	out []byte
	sum int64
}

func (p *parser) ws() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *parser) peek() int {
	if p.i < len(p.s) {
		return int(p.s[p.i])
	}
	return -1
}

func (p *parser) eat(c byte) bool {
	if p.peek() == int(c) {
		p.i++
		return true
	}
	return false
}

func (p *parser) lit(w string) error {
	if len(p.s)-p.i >= len(w) && string(p.s[p.i:p.i+len(w)]) == w {
		p.i += len(w)
		p.out = append(p.out, w...)
		return nil
	}
	return errSyntax
}

func (p *parser) value(depth int) error {
	if depth > 64 {
		return errSyntax
	}
	p.ws()
	switch p.peek() {
	case -1:
		return errSyntax
	case '{':
		return p.seq('{', '}', depth, true)
	case '[':
		return p.seq('[', ']', depth, false)
	case '"':
		return p.str()
	case 't':
		return p.lit("true")
	case 'f':
		return p.lit("false")
	case 'n':
		return p.lit("null")
	}
	return p.number()
}

func (p *parser) seq(open, close byte, depth int, obj bool) error {
	if !p.eat(open) {
		return errSyntax
	}
	p.out = append(p.out, open)
	p.ws()
	if p.eat(close) {
		p.out = append(p.out, close)
		return nil
	}
	for {
		if obj {
			p.ws()
			if err := p.str(); err != nil {
				return err
			}
			p.ws()
			if !p.eat(':') {
				return errSyntax
			}
			p.out = append(p.out, ':')
		}
		if err := p.value(depth + 1); err != nil {
			return err
		}
		p.ws()
		if p.eat(',') {
			p.out = append(p.out, ',')
			continue
		}
		if !p.eat(close) {
			return errSyntax
		}
		p.out = append(p.out, close)
		return nil
	}
}

func (p *parser) number() error {
	neg := p.eat('-')
	start := p.i
	var v int64
	for c := p.peek(); c >= '0' && c <= '9'; c = p.peek() {
		d := int64(c - '0')
		if v > (1<<63-1-d)/10 {
			return errSyntax
		}
		v = v*10 + d
		p.i++
	}
	digits := p.i - start
	if c := p.peek(); digits == 0 || (digits > 1 && p.s[start] == '0') || c == '.' || c == 'e' || c == 'E' {
		return errSyntax
	}
	if neg {
		v = -v
	}
	p.sum += v
	p.out = strconv.AppendInt(p.out, v, 10)
	return nil
}

func (p *parser) hex4() (rune, error) {
	if len(p.s)-p.i < 4 {
		return 0, errSyntax
	}
	v, err := strconv.ParseUint(string(p.s[p.i:p.i+4]), 16, 32)
	if err != nil {
		return 0, errSyntax
	}
	p.i += 4
	return rune(v), nil
}

func (p *parser) str() error {
	if !p.eat('"') {
		return errSyntax
	}
	p.out = append(p.out, '"')
	for {
		c := p.peek()
		if c < 0 {
			return errSyntax
		}
		p.i++
		var ch rune
		switch {
		case c == '"':
			p.out = append(p.out, '"')
			return nil
		case c == '\\':
			e := p.peek()
			p.i++
			switch e {
			case '"', '\\', '/':
				ch = rune(e)
			case 'b':
				ch = 8
			case 'f':
				ch = 12
			case 'n':
				ch = 10
			case 'r':
				ch = 13
			case 't':
				ch = 9
			case 'u':
				hi, err := p.hex4()
				if err != nil {
					return err
				}
				ch = hi
				if hi >= 0xd800 && hi < 0xdc00 && len(p.s)-p.i >= 2 && p.s[p.i] == '\\' && p.s[p.i+1] == 'u' {
					save := p.i
					p.i += 2
					lo, err := p.hex4()
					if err != nil {
						return err
					}
					if lo >= 0xdc00 && lo < 0xe000 {
						ch = 0x10000 + (hi-0xd800)<<10 + (lo - 0xdc00)
					} else {
						p.i = save
					}
				}
			default:
				return errSyntax
			}
		case c < 0x20:
			return errSyntax
		default:
			// raw bytes (UTF-8 included) are copied as they are
			p.out = append(p.out, byte(c))
			continue
		}
		p.escape(ch)
	}
}

// escape writes one code point as JSON.stringify writes it inside a string.
func (p *parser) escape(ch rune) {
	switch {
	case ch == '"':
		p.out = append(p.out, '\\', '"')
	case ch == '\\':
		p.out = append(p.out, '\\', '\\')
	case ch == 8:
		p.out = append(p.out, '\\', 'b')
	case ch == 12:
		p.out = append(p.out, '\\', 'f')
	case ch == 10:
		p.out = append(p.out, '\\', 'n')
	case ch == 13:
		p.out = append(p.out, '\\', 'r')
	case ch == 9:
		p.out = append(p.out, '\\', 't')
	case ch < 0x20 || (ch >= 0xd800 && ch < 0xe000):
		const d = "0123456789abcdef"
		p.out = append(p.out, '\\', 'u', d[ch>>12&15], d[ch>>8&15], d[ch>>4&15], d[ch&15])
	default:
		p.out = utf8.AppendRune(p.out, ch)
	}
}

func main() {
	s := cwlguest.ReadAll()
	p := &parser{s: s}
	if p.value(0) != nil {
		cwlguest.Exit(1)
	}
	p.ws()
	if p.i != len(s) {
		cwlguest.Exit(1)
	}
	p.out = append(p.out, '\n')
	p.out = strconv.AppendInt(p.out, p.sum, 10)
	cwlguest.WriteOutput(p.out)
}
