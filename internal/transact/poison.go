package transact

import (
	"strconv"

	"github.com/twmb/franz-go/pkg/kgo"
)

// poison counts the handler failures of records (and of keyed work with no
// record) across aborted batches, so that one bad record cannot stop its
// partition: see Batch.Each.
type poison struct {
	failures map[string]*failure
	// given are the keys dead-lettered by the current batch; their counts
	// are dropped once it commits.
	given []string
}

type failure struct {
	count int
	err   error
}

func newPoison() *poison { return &poison{failures: map[string]*failure{}} }

func recordKey(r *kgo.Record) string {
	return r.Topic + "/" + strconv.Itoa(int(r.Partition)) + "@" + strconv.FormatInt(r.Offset, 10)
}

func (p *poison) begin() { p.given = p.given[:0] }

func (p *poison) end(committed bool) {
	if committed {
		for _, k := range p.given {
			delete(p.failures, k)
		}
	}
	p.given = p.given[:0]
}

func (p *poison) count(key string) int {
	if f := p.failures[key]; f != nil {
		return f.count
	}
	return 0
}

// givenUp reports whether key has failed limit times already, with the
// last failure.
func (p *poison) givenUp(key string, limit int) (error, bool) {
	if f := p.failures[key]; f != nil && f.count >= limit {
		p.given = append(p.given, key)
		return f.err, true
	}
	return nil, false
}

// failed counts a failure of key.
func (p *poison) failed(key string, err error) int {
	f := p.failures[key]
	if f == nil {
		f = &failure{}
		p.failures[key] = f
	}
	f.count++
	f.err = err
	return f.count
}
