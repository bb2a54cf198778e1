package tables

import (
	"math/big"
	"strings"
)

// DynamoDB's number limits: at most 38 significant digits, magnitudes
// from 1E-130 to 9.9999999999999999999999999999999999999E+125, and zero.
const (
	maxDigits   = 38
	maxExponent = 125  // of the most significant digit
	minExponent = -130 // of the most significant digit
)

// number is a decimal: coef × 10^exp, with coef stripped of trailing
// zeros (zero is 0 × 10^0), so that equal numbers have equal forms.
type number struct {
	coef big.Int
	exp  int
}

// parseNumber reads a number as DynamoDB accepts it: an optional sign,
// digits with an optional decimal point, an optional exponent ("1.5",
// "-0.25", "1E+3", ".5"). It checks DynamoDB's precision and range.
func parseNumber(s string) (*number, error) {
	orig := s
	bad := func() (*number, error) {
		return nil, Errorf(ValidationException, "The parameter cannot be converted to a numeric value: %s", orig)
	}
	if s == "" || len(s) > 512 {
		return bad()
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	mant, expPart, hasExp := strings.Cut(strings.ToLower(s), "e")
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	if digits == "" || !allDigits(digits) || strings.Count(mant, ".") > 1 {
		return bad()
	}
	exp := -len(frac)
	if hasExp {
		e, ok := parseExponent(expPart)
		if !ok {
			return bad()
		}
		exp += e
	}
	n := &number{}
	if _, ok := n.coef.SetString(digits, 10); !ok {
		return bad()
	}
	if neg {
		n.coef.Neg(&n.coef)
	}
	n.exp = exp
	n.normalize()
	if err := n.check(); err != nil {
		return nil, err
	}
	return n, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseExponent reads an exponent: an optional sign and up to 4 digits
// (anything larger is out of range whatever the digits).
func parseExponent(s string) (int, bool) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg, s = s[0] == '-', s[1:]
	}
	if s == "" || len(s) > 4 || !allDigits(s) {
		return 0, false
	}
	e := 0
	for i := 0; i < len(s); i++ {
		e = e*10 + int(s[i]-'0')
	}
	if neg {
		e = -e
	}
	return e, true
}

var ten = big.NewInt(10)

// normalize strips trailing zeros from the coefficient.
func (n *number) normalize() {
	if n.coef.Sign() == 0 {
		n.exp = 0
		return
	}
	var q, r big.Int
	for {
		q.QuoRem(&n.coef, ten, &r)
		if r.Sign() != 0 {
			return
		}
		n.coef.Set(&q)
		n.exp++
	}
}

// digits is the number of significant digits.
func (n *number) digits() int {
	if n.coef.Sign() == 0 {
		return 1
	}
	s := n.coef.String()
	return len(strings.TrimPrefix(s, "-"))
}

// check enforces DynamoDB's precision and range.
func (n *number) check() error {
	if n.coef.Sign() == 0 {
		return nil
	}
	d := n.digits()
	if d > maxDigits {
		return Errorf(ValidationException, "Attempting to store more than 38 significant digits in a Number")
	}
	top := n.exp + d - 1
	if top > maxExponent {
		return Errorf(ValidationException, "Number overflow. Attempting to store a number with magnitude larger than supported range")
	}
	if top < minExponent {
		return Errorf(ValidationException, "Number underflow. Attempting to store a number with magnitude smaller than supported range")
	}
	return nil
}

// String is the canonical form: plain decimal notation, no exponent, no
// trailing zeros after the point ("100", "1.5", "-0.001").
func (n *number) String() string {
	if n.coef.Sign() == 0 {
		return "0"
	}
	s := n.coef.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var out string
	switch {
	case n.exp >= 0:
		out = s + strings.Repeat("0", n.exp)
	case -n.exp < len(s):
		out = s[:len(s)+n.exp] + "." + s[len(s)+n.exp:]
	default:
		out = "0." + strings.Repeat("0", -n.exp-len(s)) + s
	}
	if neg {
		return "-" + out
	}
	return out
}

// cmp compares n and o: -1, 0 or +1.
func (n *number) cmp(o *number) int {
	a, b := n.aligned(o)
	return a.Cmp(b)
}

// aligned returns both coefficients scaled to the smaller exponent.
func (n *number) aligned(o *number) (*big.Int, *big.Int) {
	e := min(n.exp, o.exp)
	return n.scaled(e), o.scaled(e)
}

func (n *number) scaled(e int) *big.Int {
	out := new(big.Int).Set(&n.coef)
	if d := n.exp - e; d > 0 {
		out.Mul(out, new(big.Int).Exp(ten, big.NewInt(int64(d)), nil))
	}
	return out
}

// add returns n + sign·o, checked against DynamoDB's limits.
func (n *number) add(o *number, sign int) (*number, error) {
	a, b := n.aligned(o)
	if sign < 0 {
		b.Neg(b)
	}
	out := &number{exp: min(n.exp, o.exp)}
	out.coef.Add(a, b)
	out.normalize()
	if err := out.check(); err != nil {
		return nil, err
	}
	return out, nil
}

// canonicalNumber returns s's canonical form, or a ValidationException.
func canonicalNumber(s string) (string, error) {
	n, err := parseNumber(s)
	if err != nil {
		return "", err
	}
	return n.String(), nil
}
