package app

import (
	"errors"
	"flag"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mie-kafka/mie/internal/cli"
	"github.com/mie-kafka/mie/processors/worker/gpu"
)

func env(m map[string]string) cli.Lookup {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// The roles' flags, in --help order: each role keeps its flags, and each
// flag its environment variable and default.
func TestRoleFlags(t *testing.T) {
	common := []string{"kafka", "topic-prefix", "partitions", "instance", "log-level", "log-format"}
	exec := []string{"operator-timeout", "ended-retention", "max-history", "max-payload", "validate-inputs", "session-timeout"}
	store := []string{"data-dir", "store", "bucket", "s3-endpoint", "s3-region", "s3-path-style", "claim-threshold"}
	ingestWorker := []string{"ingest-bucket", "transcribe-url", "transcribe-model", "gpu-url", "gpu-health-path",
		"gpu-ssm-parameter", "gpu-tag", "gpu-port", "aws-region", "aws-endpoint", "gpu-defer", "gpu-error-defer", "gpu-max-deliveries"}
	ingestAPI := []string{"segment-deadline", "segment-redrives"}
	projector := []string{"projector-flush-rows", "projector-flush-interval"}
	cat := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	roles := map[string][]string{
		"serve": cat(common, []string{"addr", "s3-api-addr", "region", "account-id", "upload-limit"}, exec, []string{"operators"}, store, []string{"embedded-kafka-port"},
			ingestWorker, ingestAPI, []string{"clickhouse"}, projector),
		"api":         cat(common, []string{"addr", "s3-api-addr", "region", "account-id", "max-payload", "upload-limit", "operator-timeout"}, store, ingestAPI, []string{"clickhouse"}),
		"executor":    cat(common, exec),
		"worker":      cat(common, []string{"operators"}, store, ingestWorker),
		"projector":   cat(common, []string{"clickhouse"}, projector, []string{"session-timeout"}),
		"projections": cat(common, []string{"clickhouse"}, projector),
		"bench":       cat(common, exec, store, []string{"embedded-kafka-port"}),
	}
	want := map[string][2]string{ // flag: environment variable, default
		"kafka": {"MIE_KAFKA_BROKERS", ""}, "topic-prefix": {"MIE_TOPIC_PREFIX", ""}, "partitions": {"MIE_PARTITIONS", "24"},
		"instance": {"MIE_INSTANCE", hostname()}, "log-level": {"MIE_LOG_LEVEL", "info"}, "log-format": {"MIE_LOG_FORMAT", "text"},
		"addr": {"MIE_ADDR", "127.0.0.1:8080"}, "s3-api-addr": {"MIE_S3_API_ADDR", "127.0.0.1:8081"}, "upload-limit": {"MIE_UPLOAD_LIMIT", "5GiB"},
		"region": {"MIE_REGION", "us-east-1"}, "account-id": {"MIE_ACCOUNT_ID", "123456789012"},
		"operator-timeout": {"MIE_OPERATOR_TIMEOUT", "1h"}, "ended-retention": {"MIE_ENDED_RETENTION", "1h"},
		"max-history": {"MIE_MAX_HISTORY", "25000"}, "max-payload": {"MIE_MAX_PAYLOAD", "256KiB"},
		"validate-inputs": {"MIE_VALIDATE_INPUTS", "false"}, "session-timeout": {"MIE_SESSION_TIMEOUT", "10s"},
		"operators": {"MIE_OPERATORS", "Passthrough,Sleep,Fail,http,aws.s3,aws.dynamodb,aws.sns,aws.events,aws.http," + strings.Join(MediaOperators, ",")}, "data-dir": {"MIE_DATA_DIR", "./data"},
		"store": {"MIE_STORE", "local"}, "bucket": {"MIE_BUCKET", "mie-dataplane"}, "s3-endpoint": {"MIE_S3_ENDPOINT", ""},
		"s3-region": {"MIE_S3_REGION", "us-east-1"}, "s3-path-style": {"MIE_S3_PATH_STYLE", "false"},
		"claim-threshold": {"MIE_CLAIM_THRESHOLD", "512KiB"}, "embedded-kafka-port": {"MIE_EMBEDDED_KAFKA_PORT", "0"},
		"ingest-bucket": {"MIE_INGEST_BUCKET", ""}, "transcribe-url": {"MIE_TRANSCRIBE_URL", ""},
		"transcribe-model": {"MIE_TRANSCRIBE_MODEL", "whisper-large-v3"}, "gpu-url": {"MIE_GPU_URL", ""},
		"gpu-health-path": {"MIE_GPU_HEALTH_PATH", gpu.DefaultHealthPath}, "gpu-ssm-parameter": {"MIE_GPU_SSM_PARAMETER", ""},
		"gpu-tag": {"MIE_GPU_TAG", ""}, "gpu-port": {"MIE_GPU_PORT", "8000"}, "aws-region": {"MIE_AWS_REGION", ""},
		"aws-endpoint": {"MIE_AWS_ENDPOINT", ""}, "gpu-defer": {"MIE_GPU_DEFER", "15m"}, "gpu-error-defer": {"MIE_GPU_ERROR_DEFER", "1m"},
		"gpu-max-deliveries": {"MIE_GPU_MAX_DELIVERIES", "5"}, "segment-deadline": {"MIE_SEGMENT_DEADLINE", "1h"},
		"segment-redrives": {"MIE_SEGMENT_REDRIVES", "2"}, "clickhouse": {"MIE_CLICKHOUSE", ""},
		"projector-flush-rows": {"MIE_PROJECTOR_FLUSH_ROWS", "5000"}, "projector-flush-interval": {"MIE_PROJECTOR_FLUSH_INTERVAL", "1s"},
	}
	for role, names := range roles {
		t.Run(role, func(t *testing.T) {
			var got []string
			for _, f := range FlagSet(role).Flags() {
				got = append(got, f.Name)
				if w := want[f.Name]; f.Env != w[0] || f.Default != w[1] || f.Usage == "" {
					t.Errorf("--%s: env %q default %q usage %q, want env %q default %q", f.Name, f.Env, f.Default, f.Usage, w[0], w[1])
				}
			}
			if !reflect.DeepEqual(got, names) {
				t.Fatalf("flags\n%v\nwant\n%v", got, names)
			}
		})
	}
}

func TestParseDefaults(t *testing.T) {
	c, err := Parse("serve", nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Addr: "127.0.0.1:8080", S3APIAddr: "127.0.0.1:8081", DataDir: "./data", Partitions: 24, Instance: hostname(),
		Operators: append([]string{"Passthrough", "Sleep", "Fail", "http", "aws.s3", "aws.dynamodb", "aws.sns", "aws.events", "aws.http"}, MediaOperators...), OperatorTimeout: time.Hour,
		EndedRetention: time.Hour, Region: "us-east-1", AccountID: "123456789012", MaxHistory: 25000, MaxPayload: 256 << 10, SessionTimeout: 10 * time.Second, Log: cli.Log{Level: slog.LevelInfo, Format: "text"},
		Store: "local", Bucket: "mie-dataplane", S3Region: "us-east-1", UploadLimit: 5 << 30, ClaimThreshold: 512 << 10,
		Ingest: IngestConfig{TranscribeModel: "whisper-large-v3", GPUHealthPath: gpu.DefaultHealthPath, GPUPort: 8000,
			GPUDefer: 900 * time.Second, GPUErrorDefer: time.Minute, GPUMaxDelivery: 5, SegmentDeadline: time.Hour, SegmentRedrives: 2},
		ProjectorFlushRows: 5000, ProjectorFlushInterval: time.Second,
	}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("defaults\n%+v\nwant\n%+v", c, want)
	}
}

func TestParsePrecedence(t *testing.T) {
	environment := env(map[string]string{
		"MIE_KAFKA_BROKERS": "env:1, env:2", "MIE_PARTITIONS": "12", "MIE_UPLOAD_LIMIT": "1GiB", "MIE_S3_PATH_STYLE": "true",
		"MIE_GPU_TAG": "Role=gpu", "MIE_LOG_LEVEL": "debug", "MIE_SESSION_TIMEOUT": "4s", "MIE_TRANSCRIBE_API_KEY": "secret",
		"MIE_BUCKET": " ", // blank: unset
	})
	c, err := Parse("serve", []string{"--partitions", "6", "--claim-threshold=1MiB", "--validate-inputs", "true",
		"--operators", "Passthrough, ingest", "--log-format", "json", "--session-timeout", "5s"}, environment)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.Kafka, ",") != "env:1,env:2" || c.Partitions != 6 || c.UploadLimit != 1<<30 || c.ClaimThreshold != 1<<20 ||
		!c.S3PathStyle || !c.ValidateInputs || strings.Join(c.Operators, ",") != "Passthrough,ingest" ||
		c.Ingest.GPUTag != (gpu.Tag{Key: "Role", Value: "gpu"}) || c.Log != (cli.Log{Level: slog.LevelDebug, Format: "json"}) ||
		c.SessionTimeout != 5*time.Second || c.Ingest.TranscribeKey != "secret" || c.Bucket != "mie-dataplane" {
		t.Fatalf("config %+v", c)
	}
	if _, err := Parse("executor", []string{"-h"}, env(nil)); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		role string
		args []string
		env  map[string]string
		want []string
	}{
		// Every bad value at once, each naming its flag.
		{"serve", []string{"--partitions", "x", "--gpu-port", "y", "--store", "z"}, nil,
			[]string{`--partitions: "x" is not a number`, `--gpu-port: "y" is not a number`, `--store: "z", want local or s3`}},
		{"executor", []string{"--validate-inputs", "maybe", "--log-level", "loud"}, nil,
			[]string{`--validate-inputs: "maybe", want true or false`, `--log-level: "loud", want debug, info, warn or error`}},
		{"api", nil, map[string]string{"MIE_UPLOAD_LIMIT": "lots", "MIE_SEGMENT_DEADLINE": "soon"},
			[]string{`--upload-limit: "lots" is not a positive size like 1048576, 512KiB or 5GiB (from MIE_UPLOAD_LIMIT)`,
				`--segment-deadline: "soon" is not a duration like 500ms, 30s or 1h (from MIE_SEGMENT_DEADLINE)`}},
		{"worker", []string{"--log-format", "xml", "--gpu-tag", "gpu"}, nil,
			[]string{`--log-format: "xml", want text or json`, `--gpu-tag: gpu tag "gpu": want Key=Value`}},
		{"executor", []string{"--ended-retention", "0s"}, nil, []string{"--ended-retention: 0s must be positive"}},
		{"executor", []string{"--partitions", "-1", "--instance", ""}, nil,
			[]string{"--partitions must be positive", "--instance must not be empty"}},
		{"projector", []string{"--projector-flush-rows", "-1"}, nil, []string{"--projector-flush-rows and --projector-flush-interval must not be negative"}},
		{"worker", []string{"--gpu-url", "http://g", "--gpu-ssm-parameter", "/gpu", "--gpu-defer", "-1s", "--gpu-max-deliveries", "-1"}, nil,
			[]string{"--gpu-url and --gpu-ssm-parameter: give one, not both", "--gpu-defer, --gpu-error-defer and --segment-deadline must not be negative",
				"--gpu-max-deliveries and --segment-redrives must not be negative"}},
		{"serve", []string{"--segment-deadline", "10m"}, nil, []string{"--segment-deadline 10m0s must be longer than --gpu-defer 15m0s"}},
		{"executor", []string{"--addr", ":1"}, nil, []string{"flag provided but not defined: -addr (see mie executor --help)"}},
		{"api", []string{"extra"}, nil, []string{`unexpected argument "extra": mie api takes only flags`}},
	}
	for _, tt := range tests {
		t.Run(tt.role+" "+strings.Join(tt.args, " "), func(t *testing.T) {
			_, err := Parse(tt.role, tt.args, env(tt.env))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
	// A role checks only its own settings.
	if _, err := Parse("api", []string{"--segment-deadline", "10m"}, env(nil)); err != nil {
		t.Errorf("api has no --gpu-defer to compare with: %v", err)
	}
	if _, err := Parse("api", nil, env(map[string]string{"MIE_ENDED_RETENTION": "0s"})); err != nil {
		t.Errorf("api has no --ended-retention: %v", err)
	}
}

func TestParseBench(t *testing.T) {
	bc, err := ParseBench([]string{"--executions", "10", "--rate", "2.5", "--keep-topics", "--partitions", "4"}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if bc.Executions != 10 || bc.Concurrency != 256 || bc.Rate != 2.5 || !bc.KeepTopics || bc.Partitions != 4 || bc.EndedRetention != time.Hour {
		t.Fatalf("bench config %+v", bc)
	}
	_, err = ParseBench([]string{"--executions", "x", "--concurrency", "0", "--ended-retention", "0s"}, env(nil))
	for _, w := range []string{`--executions: "x" is not a number`, "--executions and --concurrency must be positive",
		"--ended-retention: 0s must be positive"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v does not say %q", err, w)
		}
	}
}
