package triggers

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/mie-kafka/mie/events"
)

// Identity is what makes "one object" for a rule: bucket, key, and the
// version where the bucket keeps versions, else the ETag (the bytes).
func Identity(ev *events.ObjectCreated) string {
	id := ev.VersionId
	if id == "" || id == "null" {
		id = "etag:" + strings.Trim(ev.ETag, `"`)
	}
	return ev.Bucket + "\x00" + ev.Key + "\x00" + id
}

// ExecutionID is the execution a rule starts for an object: the same for
// every notification of the same object, so that a repeated event (a
// retried request, a redelivered record, a crash between the write and
// the start) starts nothing twice. It is a UUID (version 8, RFC 9562)
// made from a SHA-256 of the rule's name and the object's identity.
func ExecutionID(rule string, ev *events.ObjectCreated) string {
	return uuidOf("execution\x00" + rule + "\x00" + Identity(ev))
}

func uuidOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x80 // version 8
	b[8] = b[8]&0x3f | 0x80 // variant 10
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// uuids is States.UUID for a rule's input template: deterministic per
// execution (the n-th call of one evaluation always gives the same UUID),
// so that evaluating the template again for the same object gives the
// same input.
func uuids(executionID string) func() string {
	n := uint64(0)
	return func() string {
		n++
		var buf [8]byte
		binary.BigEndian.PutUint64(buf[:], n)
		return uuidOf("uuid\x00" + executionID + "\x00" + string(buf[:]))
	}
}
