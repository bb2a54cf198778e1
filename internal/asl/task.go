package asl

import (
	"strings"

	"github.com/mie-kafka/mie/internal/asl/dataflow"
	"github.com/mie-kafka/mie/internal/asl/jsonata"
)

// Task runs the work its Resource names.
type Task struct {
	Base
	Resource string
	// JSONPath: Parameters and ResultSelector; JSONata: Arguments.
	Parameters     *dataflow.Template
	Arguments      *jsonata.Value
	ResultSelector *dataflow.Template
	ResultPath     dataflow.ResultPath
	// TimeoutSeconds and HeartbeatSeconds: literals, ...Path reference
	// paths (JSONPath) or "{% %}" (JSONata); unset when not given.
	TimeoutSeconds   IntField
	HeartbeatSeconds IntField
	// Credentials (e.g. {"RoleArn": ...}) are kept as written, compiled.
	Credentials *Payload
	Retry       []Retrier
	Catch       []Catcher
}

// Type returns TypeTask.
func (*Task) Type() StateType { return TypeTask }

func init() {
	register(TypeTask, &stateKind{
		fields: ioFields.with(resultFields).with(fieldSet{
			"Resource": langBoth, "Parameters": langPath, "Arguments": langAta, "Credentials": langBoth,
			"TimeoutSeconds": langBoth, "TimeoutSecondsPath": langPath,
			"HeartbeatSeconds": langBoth, "HeartbeatSecondsPath": langPath,
		}),
		result: accessResult,
		parse:  parseTask,
	})
}

func parseTask(p *parser, r *reader, b Base) State {
	s := &Task{Base: b}
	r.require("Resource")
	if res, ok := r.str("Resource"); ok {
		s.Resource = res
		if !validARN(res) {
			p.ps.add(r.field("Resource"), CodeInvalidResource, "Invalid resource: %s", res)
		}
	}
	s.Parameters = p.template(r, "Parameters")
	s.Arguments = r.jsonata("Arguments", 0)
	s.ResultSelector = p.template(r, "ResultSelector")
	s.ResultPath = r.resultPath("ResultPath")
	s.TimeoutSeconds = r.intField("TimeoutSeconds", 1, maxSeconds)
	s.HeartbeatSeconds = r.intField("HeartbeatSeconds", 1, maxSeconds)
	if s.TimeoutSeconds.Set && s.HeartbeatSeconds.Set && s.HeartbeatSeconds.Value >= s.TimeoutSeconds.Value {
		p.ps.schema(r.field("HeartbeatSeconds"), "HeartbeatSeconds (%d) must be smaller than TimeoutSeconds (%d)", s.HeartbeatSeconds.Value, s.TimeoutSeconds.Value)
	}
	s.Credentials = p.payload(r, "Credentials")
	s.Retry = p.parseRetry(r)
	s.Catch = p.parseCatch(r)
	return s
}

// validARN reports whether s has the shape of an ARN:
// arn:partition:service:region:account:resource, partition and service
// non-empty.
func validARN(s string) bool {
	parts := strings.SplitN(s, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[1] != "" && parts[2] != "" && parts[5] != ""
}
