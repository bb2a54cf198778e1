package dlq

// Value is the dead letter's original record value, as it sat on its
// source topic.
func (e Entry) Value() []byte { return e.letter.Value }

// Headers are the original record's headers (without the dead-letter
// ones), by key.
func (e Entry) Headers() map[string]string {
	out := make(map[string]string, len(e.letter.Headers))
	for _, h := range e.letter.Headers {
		out[h.Key] = string(h.Value)
	}
	return out
}
