package subscriptions

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
)

// notification is SNS's HTTP(S) notification document.
type notification struct {
	Type              string                   `json:"Type"`
	MessageId         string                   `json:"MessageId"`
	TopicArn          string                   `json:"TopicArn"`
	Subject           string                   `json:"Subject,omitempty"`
	Message           string                   `json:"Message"`
	Timestamp         string                   `json:"Timestamp"`
	SignatureVersion  string                   `json:"SignatureVersion"`
	MessageAttributes map[string]attributeJSON `json:"MessageAttributes,omitempty"`
}

type attributeJSON struct {
	Type  string `json:"Type"`
	Value string `json:"Value"`
}

// decodeNotification reads a notifications record.
func decodeNotification(r *kgo.Record) (*events.NotificationPublished, error) {
	_, p, err := events.DecodeRecord(r)
	if err != nil {
		return nil, err
	}
	n, ok := p.(*events.NotificationPublished)
	if !ok {
		return nil, fmt.Errorf("a %s on the notifications topic", p.EventType())
	}
	return n, nil
}

// render makes the POST SNS sends a subscription's endpoint: its
// notification document (or, with RawMessageDelivery, the message alone)
// and SNS's x-amz-sns-* headers.
func render(sub events.Subscription, n *events.NotificationPublished) ([]byte, http.Header) {
	msg := messageFor(sub.Protocol, n)
	h := http.Header{
		"X-Amz-Sns-Message-Type":     {"Notification"},
		"X-Amz-Sns-Message-Id":       {n.MessageId},
		"X-Amz-Sns-Topic-Arn":        {n.TopicArn},
		"X-Amz-Sns-Subscription-Arn": {sub.SubscriptionArn},
		"Content-Type":               {"text/plain; charset=UTF-8"},
		"User-Agent":                 {"Amazon Simple Notification Service Agent"},
	}
	if strings.EqualFold(sub.Attributes["RawMessageDelivery"], "true") {
		h.Set("X-Amz-Sns-Rawdelivery", "true")
		return []byte(msg), h
	}
	doc := notification{Type: "Notification", MessageId: n.MessageId, TopicArn: n.TopicArn, Subject: n.Subject,
		Message: msg, Timestamp: n.Timestamp.UTC().Format("2006-01-02T15:04:05.000Z"), SignatureVersion: "1"}
	if len(n.MessageAttributes) > 0 {
		doc.MessageAttributes = map[string]attributeJSON{}
		for k, a := range n.MessageAttributes {
			v := a.StringValue
			if strings.HasPrefix(a.DataType, "Binary") {
				v = base64.StdEncoding.EncodeToString(a.BinaryValue)
			}
			doc.MessageAttributes[k] = attributeJSON{Type: a.DataType, Value: v}
		}
	}
	b, _ := json.Marshal(doc)
	return b, h
}

// messageFor picks a MessageStructure json message's entry for the
// protocol (or its default).
func messageFor(protocol string, n *events.NotificationPublished) string {
	if n.MessageStructure != "json" {
		return n.Message
	}
	var per map[string]string
	if json.Unmarshal([]byte(n.Message), &per) != nil {
		return n.Message
	}
	if m, ok := per[protocol]; ok {
		return m
	}
	return per["default"]
}

// matches applies a subscription's FilterPolicy (its default
// MessageAttributes scope) to a notification: every key of the policy
// must match an attribute. A key's conditions are a list of exact string
// or number values, or of {"prefix": s}, {"exists": bool},
// {"anything-but": [values]} and {"numeric": [op, n, ...]}.
func matches(policy string, n *events.NotificationPublished) bool {
	if strings.TrimSpace(policy) == "" {
		return true
	}
	var p map[string][]any
	if json.Unmarshal([]byte(policy), &p) != nil {
		return false
	}
	for key, conds := range p {
		a, ok := n.MessageAttributes[key]
		if !keyMatches(conds, a, ok) {
			return false
		}
	}
	return true
}

func keyMatches(conds []any, a events.MessageAttribute, present bool) bool {
	for _, c := range conds {
		if condMatches(c, a, present) {
			return true
		}
	}
	return false
}

func condMatches(c any, a events.MessageAttribute, present bool) bool {
	switch x := c.(type) {
	case string:
		return present && a.StringValue == x
	case float64:
		f, err := strconv.ParseFloat(a.StringValue, 64)
		return present && err == nil && f == x
	case map[string]any:
		if v, ok := x["exists"].(bool); ok {
			return present == v
		}
		if !present {
			return false
		}
		if pre, ok := x["prefix"].(string); ok {
			return strings.HasPrefix(a.StringValue, pre)
		}
		if but, ok := x["anything-but"]; ok {
			return !anyEqual(but, a.StringValue)
		}
		if num, ok := x["numeric"].([]any); ok {
			return numeric(num, a.StringValue)
		}
	}
	return false
}

func anyEqual(v any, s string) bool {
	list, ok := v.([]any)
	if !ok {
		list = []any{v}
	}
	for _, e := range list {
		if fmt.Sprint(e) == s {
			return true
		}
	}
	return false
}

// numeric applies ["<", 5, ">=", 1]-style comparisons.
func numeric(ops []any, s string) bool {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || len(ops)%2 != 0 {
		return false
	}
	for i := 0; i < len(ops); i += 2 {
		op, _ := ops[i].(string)
		n, ok := ops[i+1].(float64)
		if !ok {
			return false
		}
		var ok2 bool
		switch op {
		case "=":
			ok2 = f == n
		case "<":
			ok2 = f < n
		case "<=":
			ok2 = f <= n
		case ">":
			ok2 = f > n
		case ">=":
			ok2 = f >= n
		}
		if !ok2 {
			return false
		}
	}
	return true
}
