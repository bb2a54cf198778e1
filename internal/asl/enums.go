package asl

import (
	"encoding/json"
	"fmt"
)

// StateType is a state's "Type".
type StateType uint8

// The eight state types of the States Language.
const (
	TypeInvalid StateType = iota
	TypePass
	TypeTask
	TypeChoice
	TypeWait
	TypeSucceed
	TypeFail
	TypeParallel
	TypeMap
)

var stateTypeNames = [...]string{"", "Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"}

func (t StateType) String() string {
	if int(t) < len(stateTypeNames) && t != TypeInvalid {
		return stateTypeNames[t]
	}
	return fmt.Sprintf("StateType(%d)", uint8(t))
}

// ParseStateType returns the StateType named s (case-sensitive, as AWS).
func ParseStateType(s string) (StateType, bool) {
	for i, n := range stateTypeNames {
		if i > 0 && n == s {
			return StateType(i), true
		}
	}
	return TypeInvalid, false
}

// MarshalText implements encoding.TextMarshaler.
func (t StateType) MarshalText() ([]byte, error) {
	if t == TypeInvalid || int(t) >= len(stateTypeNames) {
		return nil, fmt.Errorf("asl: invalid state type %d", uint8(t))
	}
	return []byte(t.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *StateType) UnmarshalText(b []byte) error {
	v, ok := ParseStateType(string(b))
	if !ok {
		return fmt.Errorf("asl: unknown state type %q", b)
	}
	*t = v
	return nil
}

// QueryLanguage is the language a state's fields are written in.
type QueryLanguage uint8

// The zero value is JSONPath, the default of AWS and of the specification.
const (
	JSONPath QueryLanguage = iota
	JSONata
)

func (q QueryLanguage) String() string {
	switch q {
	case JSONPath:
		return "JSONPath"
	case JSONata:
		return "JSONata"
	}
	return fmt.Sprintf("QueryLanguage(%d)", uint8(q))
}

// MarshalText implements encoding.TextMarshaler.
func (q QueryLanguage) MarshalText() ([]byte, error) {
	if q > JSONata {
		return nil, fmt.Errorf("asl: invalid query language %d", uint8(q))
	}
	return []byte(q.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (q *QueryLanguage) UnmarshalText(b []byte) error {
	switch string(b) {
	case "JSONPath":
		*q = JSONPath
	case "JSONata":
		*q = JSONata
	default:
		return fmt.Errorf("asl: unknown query language %q", b)
	}
	return nil
}

// Severity says whether a Problem rejects the definition.
type Severity uint8

// ERROR rejects the definition; WARNING does not.
const (
	SeverityError Severity = iota
	SeverityWarning
)

func (s Severity) String() string {
	if s == SeverityWarning {
		return "WARNING"
	}
	return "ERROR"
}

// MarshalJSON renders ERROR or WARNING.
func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// JitterStrategy is a retrier's "JitterStrategy".
type JitterStrategy uint8

// NONE (the default) waits the computed backoff; FULL waits a random time up to it.
const (
	JitterNone JitterStrategy = iota
	JitterFull
)

func (j JitterStrategy) String() string {
	if j == JitterFull {
		return "FULL"
	}
	return "NONE"
}

// MarshalText implements encoding.TextMarshaler.
func (j JitterStrategy) MarshalText() ([]byte, error) { return []byte(j.String()), nil }

// ProcessorMode is a Map's ItemProcessor.ProcessorConfig.Mode.
type ProcessorMode uint8

// INLINE (the default) runs iterations inside the execution; DISTRIBUTED as child executions.
const (
	ModeInline ProcessorMode = iota
	ModeDistributed
)

func (m ProcessorMode) String() string {
	if m == ModeDistributed {
		return "DISTRIBUTED"
	}
	return "INLINE"
}

// MarshalText implements encoding.TextMarshaler.
func (m ProcessorMode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// ExecutionType is a distributed Map's child execution type.
type ExecutionType uint8

// ExecutionUnset when the definition has none (INLINE mode).
const (
	ExecutionUnset ExecutionType = iota
	ExecutionStandard
	ExecutionExpress
)

func (e ExecutionType) String() string {
	switch e {
	case ExecutionStandard:
		return "STANDARD"
	case ExecutionExpress:
		return "EXPRESS"
	}
	return ""
}

// MarshalText implements encoding.TextMarshaler.
func (e ExecutionType) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// InputType is an ItemReader's ReaderConfig.InputType.
type InputType uint8

// InputUnset when the reader has no ReaderConfig.InputType (an S3 listing).
const (
	InputUnset InputType = iota
	InputJSON
	InputJSONL
	InputCSV
	InputManifest
	InputParquet
)

var inputTypeNames = [...]string{"", "JSON", "JSONL", "CSV", "MANIFEST", "PARQUET"}

func (i InputType) String() string {
	if int(i) < len(inputTypeNames) {
		return inputTypeNames[i]
	}
	return fmt.Sprintf("InputType(%d)", uint8(i))
}

// MarshalText implements encoding.TextMarshaler.
func (i InputType) MarshalText() ([]byte, error) { return []byte(i.String()), nil }

// CSVHeaderLocation is where a CSV ItemReader finds its column names.
type CSVHeaderLocation uint8

// FIRST_ROW (the default for CSV) or GIVEN (ReaderConfig.CSVHeaders).
const (
	HeaderUnset CSVHeaderLocation = iota
	HeaderFirstRow
	HeaderGiven
)

func (h CSVHeaderLocation) String() string {
	switch h {
	case HeaderFirstRow:
		return "FIRST_ROW"
	case HeaderGiven:
		return "GIVEN"
	}
	return ""
}

// MarshalText implements encoding.TextMarshaler.
func (h CSVHeaderLocation) MarshalText() ([]byte, error) { return []byte(h.String()), nil }
