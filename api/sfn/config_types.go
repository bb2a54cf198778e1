package sfn

import (
	"encoding/json"
	"fmt"
	"regexp"
	"unicode/utf8"

	"github.com/mie-kafka/mie/events"
)

// The configuration objects state machines and activities carry. They are
// checked and kept (canonical JSON, see events.StateMachine) and shown
// again; mie writes no CloudWatch logs or X-Ray traces and encrypts
// nothing with KMS.

// Tag is a resource tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// LoggingConfiguration is a state machine's loggingConfiguration.
type LoggingConfiguration struct {
	Level                string           `json:"level,omitempty"`
	IncludeExecutionData bool             `json:"includeExecutionData"`
	Destinations         []LogDestination `json:"destinations,omitempty"`
}

// LogDestination is a CloudWatch Logs log group.
type LogDestination struct {
	CloudWatchLogsLogGroup *struct {
		LogGroupArn string `json:"logGroupArn,omitempty"`
	} `json:"cloudWatchLogsLogGroup,omitempty"`
}

// TracingConfiguration is a state machine's tracingConfiguration.
type TracingConfiguration struct {
	Enabled bool `json:"enabled"`
}

// EncryptionConfiguration is a state machine's or an activity's
// encryptionConfiguration.
type EncryptionConfiguration struct {
	KmsKeyId                     string `json:"kmsKeyId,omitempty"`
	KmsDataKeyReusePeriodSeconds *int32 `json:"kmsDataKeyReusePeriodSeconds,omitempty"`
	Type                         string `json:"type"`
}

// ValidRegion reports whether r looks like an AWS region name
// (us-east-1, eu-central-2, us-gov-west-1).
func ValidRegion(r string) bool { return regionName.MatchString(r) }

var (
	regionName = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	roleArn    = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$`)
	tagKey     = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
)

// canonical encodes a checked configuration object for storage; nil
// stays nil.
func canonical[T any](v *T) json.RawMessage {
	if v == nil {
		return nil
	}
	b, _ := json.Marshal(v) // plain structs of strings, numbers and booleans
	return b
}

// stored decodes a stored configuration, or returns def.
func stored[T any](raw json.RawMessage, def T) *T {
	if len(raw) > 0 {
		var v T
		if json.Unmarshal(raw, &v) == nil {
			return &v
		}
	}
	return &def
}

func checkLogging(l *LoggingConfiguration) error {
	if l == nil {
		return nil
	}
	switch l.Level {
	case "", "OFF":
	case "ALL", "ERROR", "FATAL":
		if len(l.Destinations) != 1 || l.Destinations[0].CloudWatchLogsLogGroup == nil ||
			l.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn == "" {
			return fault(InvalidLoggingConfiguration, "Invalid Logging Configuration: level %s needs exactly one destination with a cloudWatchLogsLogGroup logGroupArn", l.Level)
		}
	default:
		return fault(InvalidLoggingConfiguration, "Invalid Logging Configuration: level %q: want ALL, ERROR, FATAL or OFF", l.Level)
	}
	if len(l.Destinations) > 1 {
		return fault(InvalidLoggingConfiguration, "Invalid Logging Configuration: at most one destination")
	}
	return nil
}

func checkEncryption(e *EncryptionConfiguration) error {
	if e == nil {
		return nil
	}
	switch e.Type {
	case "AWS_OWNED_KEY":
		if e.KmsKeyId != "" {
			return fault(InvalidEncryptionConfig, "Invalid Encryption Configuration: kmsKeyId is for type CUSTOMER_MANAGED_KMS_KEY")
		}
	case "CUSTOMER_MANAGED_KMS_KEY":
		if e.KmsKeyId == "" || len(e.KmsKeyId) > 2048 {
			return fault(InvalidEncryptionConfig, "Invalid Encryption Configuration: type CUSTOMER_MANAGED_KMS_KEY needs a kmsKeyId of 1 to 2048 characters")
		}
	default:
		return fault(InvalidEncryptionConfig, "Invalid Encryption Configuration: type %q: want AWS_OWNED_KEY or CUSTOMER_MANAGED_KMS_KEY", e.Type)
	}
	if p := e.KmsDataKeyReusePeriodSeconds; p != nil && (*p < 60 || *p > 900) {
		return fault(InvalidEncryptionConfig, "Invalid Encryption Configuration: kmsDataKeyReusePeriodSeconds %d: want 60 to 900", *p)
	}
	return nil
}

// checkTags checks keys and values and converts them.
func checkTags(tags []Tag) ([]events.Tag, error) {
	if len(tags) > 50 {
		return nil, fault(TooManyTags, "Too many tags: %d, the limit is 50", len(tags))
	}
	out := make([]events.Tag, 0, len(tags))
	for _, t := range tags {
		if n := utf8.RuneCountInString(t.Key); n < 1 || n > 128 || !tagKey.MatchString(t.Key) {
			return nil, fault(ValidationException, "tag key %q: want 1 to 128 letters, digits, spaces or _ . : / = + - @", t.Key)
		}
		if utf8.RuneCountInString(t.Value) > 256 || !tagKey.MatchString(t.Value) {
			return nil, fault(ValidationException, "tag value %q: want at most 256 letters, digits, spaces or _ . : / = + - @", t.Value)
		}
		out = append(out, events.Tag{Key: t.Key, Value: t.Value})
	}
	return out, nil
}

func tagsOf(tags []events.Tag) []Tag {
	out := make([]Tag, 0, len(tags))
	for _, t := range tags {
		out = append(out, Tag{Key: t.Key, Value: t.Value})
	}
	return out
}

// checkLength checks a string field's length in characters.
func checkLength(field, v string, lo, hi int) error {
	if n := utf8.RuneCountInString(v); n < lo || n > hi {
		return fault(ValidationException, "1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length between %d and %d", field, lo, hi)
	}
	return nil
}

// required is a missing required parameter.
func required(field string) error {
	return &Fault{Code: ValidationException, Reason: "MISSING_REQUIRED_PARAMETER",
		Message: fmt.Sprintf("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", field)}
}
