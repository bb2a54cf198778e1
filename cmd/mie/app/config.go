// Package app wires the engine's components into the roles the mie binary
// runs: serve (everything, embedded broker), api, executor and worker.
package app

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/mie-kafka/mie/api/sfn"
	"github.com/mie-kafka/mie/internal/cli"
	"github.com/mie-kafka/mie/internal/engine"
	"github.com/mie-kafka/mie/internal/topics"
)

// Config is every setting of every role. Each has a flag and an
// environment variable; the flag wins.
type Config struct {
	Addr            string
	DataDir         string
	Kafka           []string
	EmbeddedPort    int
	TopicPrefix     string
	Partitions      int
	Instance        string
	Operators       []string
	OperatorTimeout time.Duration
	EndedRetention  time.Duration
	// Region and AccountID go into the Step Functions API's ARNs;
	// ActivityPoll, when set, shortens GetActivityTask's 60 s long poll
	// (tests).
	Region       string
	AccountID    string
	ActivityPoll time.Duration
	// MaxHistory and MaxPayload bound a States Language execution: its
	// events, and a state's input or output in bytes.
	MaxHistory     int
	MaxPayload     int64
	ValidateInputs bool
	SessionTimeout time.Duration
	Log            cli.Log

	// Object storage and the data plane.
	Store       string // local or s3
	Bucket      string
	S3Endpoint  string
	S3Region    string
	S3PathStyle bool
	// S3APIAddr is the S3 endpoint's listen address (empty: none).
	S3APIAddr      string
	UploadLimit    int64
	ClaimThreshold int64

	// The ingest window: transcription, GPU pool, segment reaper.
	Ingest IngestConfig

	// ClickHouse projections (docs/clickhouse.md): the DSN, and the
	// projector's batches.
	ClickHouse             string
	ProjectorFlushRows     int
	ProjectorFlushInterval time.Duration
}

// A flag group registers some of the settings on s, bound to c.
type flagGroup func(s *cli.Set, c *Config)

// roleFlags are the flag groups of each role, in the order --help lists
// them.
var roleFlags = map[string][]flagGroup{
	"serve": {commonFlags, apiFlags, stepFunctionsFlags, uploadFlags, operatorFlags, executorFlags, sessionFlags, workerFlags, storeFlags, serveFlags,
		ingestWorkerFlags, ingestAPIFlags, clickhouseFlags, projectorFlags},
	"api":         {commonFlags, apiFlags, stepFunctionsFlags, payloadFlags, uploadFlags, operatorFlags, storeFlags, ingestAPIFlags, clickhouseFlags},
	"executor":    {commonFlags, operatorFlags, executorFlags, sessionFlags},
	"worker":      {commonFlags, workerFlags, storeFlags, ingestWorkerFlags},
	"projector":   {commonFlags, clickhouseFlags, projectorFlags, sessionFlags},
	"projections": {commonFlags, clickhouseFlags, projectorFlags},
	"bench":       {commonFlags, operatorFlags, executorFlags, sessionFlags, storeFlags, serveFlags},
}

// Bind registers role's settings on s (an unknown role has the common
// ones), bound to c; s.Parse fills c in and checks it.
func Bind(s *cli.Set, role string, c *Config) {
	groups, ok := roleFlags[role]
	if !ok {
		groups = []flagGroup{commonFlags}
	}
	for _, g := range groups {
		g(s, c)
	}
	s.Check(c.check)
}

// FlagSet is role's settings, for help.
func FlagSet(role string) *cli.Set {
	s := cli.New("mie "+role, nil)
	Bind(s, role, &Config{})
	return s
}

// Parse reads a role's settings from args and the environment (lookup is
// os.LookupEnv). It returns flag.ErrHelp for -h.
func Parse(role string, args []string, lookup cli.Lookup) (Config, error) {
	var c Config
	s := cli.New("mie "+role, lookup)
	Bind(s, role, &c)
	if err := s.Parse(args); err != nil {
		return Config{}, err
	}
	return c, nil
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "local"
	}
	return h
}

func commonFlags(s *cli.Set, c *Config) {
	s.List(&c.Kafka, "kafka", "MIE_KAFKA_BROKERS", nil, "Kafka seed brokers, host:port,...; serve starts an embedded broker when empty")
	s.String(&c.TopicPrefix, "topic-prefix", "MIE_TOPIC_PREFIX", "", "prefix of every topic name, to share a cluster")
	s.Int(&c.Partitions, "partitions", "MIE_PARTITIONS", topics.DefaultPartitions, "partitions of new commands, executions, results, task and retry topics")
	s.String(&c.Instance, "instance", "MIE_INSTANCE", hostname(), "this instance's stable name; makes its transactional ids (unique per live instance)")
	s.Log(&c.Log)
}

func apiFlags(s *cli.Set, c *Config) {
	s.String(&c.Addr, "addr", "MIE_ADDR", "127.0.0.1:8080", "HTTP listen address of the API")
	s.String(&c.S3APIAddr, "s3-api-addr", "MIE_S3_API_ADDR", "127.0.0.1:8081", "listen address of the S3-compatible endpoint over the object store (path-style; empty: none)")
}

func uploadFlags(s *cli.Set, c *Config) {
	s.Bytes(&c.UploadLimit, "upload-limit", "MIE_UPLOAD_LIMIT", 5<<30, "largest upload accepted by POST /dataplane/upload")
}

// operatorFlags are read where MIE workflows start (the API compiles an
// operator's TimeoutSeconds into its Task) and by the executor (for
// executions of the first engine).
func operatorFlags(s *cli.Set, c *Config) {
	s.Duration(&c.OperatorTimeout, "operator-timeout", "MIE_OPERATOR_TIMEOUT", time.Hour, "fail an operator attempt that runs longer, when its Configuration sets no TimeoutSeconds")
}

func executorFlags(s *cli.Set, c *Config) {
	s.Duration(&c.EndedRetention, "ended-retention", "MIE_ENDED_RETENTION", time.Hour, "how long the executor remembers an ended execution (a later input for it is ignored, not dead-lettered as unknown); also how far back a restarted executor reads")
	s.Int(&c.MaxHistory, "max-history", "MIE_MAX_HISTORY", engine.DefaultMaxHistory, "events one execution may have (AWS's 25,000); past it the execution fails")
	payloadFlags(s, c)
	s.Bool(&c.ValidateInputs, "validate-inputs", "MIE_VALIDATE_INPUTS", false, "check every command and result against its JSON Schema, dead-lettering a mismatch (costs 20-300 µs a record)")
	s.Check(func() error {
		if c.EndedRetention <= 0 {
			return fmt.Errorf("--ended-retention: %s must be positive", c.EndedRetention)
		}
		if c.MaxHistory < 10 {
			return fmt.Errorf("--max-history: %d is too small (10 at least)", c.MaxHistory)
		}
		return nil
	})
}

// payloadFlags bound the data of a States Language execution: the
// executor enforces it, the Step Functions API checks inputs and task
// outputs against it.
func payloadFlags(s *cli.Set, c *Config) {
	s.Bytes(&c.MaxPayload, "max-payload", "MIE_MAX_PAYLOAD", engine.DefaultMaxPayload, "largest input or output of a state or an execution (AWS's 256 KiB); larger fails with States.DataLimitExceeded")
	s.Check(func() error {
		if c.MaxPayload < 1<<10 || c.MaxPayload > 768<<10 {
			return fmt.Errorf("--max-payload: %d bytes: want 1KiB to 768KiB (a state's data travels inline in Kafka records of at most 1 MiB)", c.MaxPayload)
		}
		return nil
	})
}

// stepFunctionsFlags are the Step Functions API's (api/sfn): the region
// and account in its ARNs.
func stepFunctionsFlags(s *cli.Set, c *Config) {
	s.String(&c.Region, "region", "MIE_REGION", sfn.DefaultRegion, "AWS region in the Step Functions API's ARNs")
	s.String(&c.AccountID, "account-id", "MIE_ACCOUNT_ID", sfn.DefaultAccount, "12-digit AWS account id in the Step Functions API's ARNs")
	s.Check(func() error {
		if len(c.AccountID) != 12 || strings.Trim(c.AccountID, "0123456789") != "" {
			return fmt.Errorf("--account-id: %q is not a 12-digit account id", c.AccountID)
		}
		if !sfn.ValidRegion(c.Region) {
			return fmt.Errorf("--region: %q is not a region name such as us-east-1", c.Region)
		}
		return nil
	})
}

func sessionFlags(s *cli.Set, c *Config) {
	s.Duration(&c.SessionTimeout, "session-timeout", "MIE_SESSION_TIMEOUT", 10*time.Second, "how soon the consumer groups notice a dead instance")
}

func workerFlags(s *cli.Set, c *Config) {
	s.List(&c.Operators, "operators", "MIE_OPERATORS", append([]string{"Passthrough", "Sleep", "Fail", "http", "aws.s3", "aws.dynamodb", "aws.sns", "aws.events", "aws.http"}, MediaOperators...),
		"built-in operators and functions to run workers for; 'http' runs the HTTP operator dispatcher, aws.<service> the worker of an AWS service integration ('aws.s3' the aws-sdk:s3 integrations, 'aws.dynamodb' the tables processor, 'aws.mediaconvert' MediaConvert's integration and its job runner)")
}

func storeFlags(s *cli.Set, c *Config) {
	s.String(&c.DataDir, "data-dir", "MIE_DATA_DIR", "./data", "where the embedded broker keeps its log and the local object store its objects (<data-dir>/objects)")
	s.Enum(&c.Store, "store", "MIE_STORE", "local", []string{"local", "s3"}, "object storage: local (a directory under --data-dir) or s3 (credentials from the standard AWS chain)")
	s.String(&c.Bucket, "bucket", "MIE_BUCKET", "mie-dataplane", "the data plane bucket: uploads, asset media, derived media, large results")
	s.String(&c.S3Endpoint, "s3-endpoint", "MIE_S3_ENDPOINT", "", "S3 endpoint URL for MinIO or another S3-compatible store; empty is AWS")
	s.String(&c.S3Region, "s3-region", "MIE_S3_REGION", "us-east-1", "S3 region")
	s.Bool(&c.S3PathStyle, "s3-path-style", "MIE_S3_PATH_STYLE", false, "path-style S3 addressing (MinIO needs true)")
	s.Bytes(&c.ClaimThreshold, "claim-threshold", "MIE_CLAIM_THRESHOLD", 512<<10, "results larger than this go to object storage and the event carries a reference")
}

func serveFlags(s *cli.Set, c *Config) {
	s.Int(&c.EmbeddedPort, "embedded-kafka-port", "MIE_EMBEDDED_KAFKA_PORT", 0, "port of the embedded broker (0 picks a free one)")
}

// The ClickHouse projections' settings (cmd/mie/app/projector.go).
func clickhouseFlags(s *cli.Set, c *Config) {
	s.String(&c.ClickHouse, "clickhouse", "MIE_CLICKHOUSE", "", "ClickHouse DSN (clickhouse://user:pass@host:9000/db or http://host:8123/db): the API reads projections from it, the projector writes them; empty keeps them in memory")
}

func projectorFlags(s *cli.Set, c *Config) {
	s.Int(&c.ProjectorFlushRows, "projector-flush-rows", "MIE_PROJECTOR_FLUSH_ROWS", 5000, "the projector writes a batch once it holds this many records...")
	s.Duration(&c.ProjectorFlushInterval, "projector-flush-interval", "MIE_PROJECTOR_FLUSH_INTERVAL", time.Second, "...or is this old (ClickHouse wants about one insert per second per table)")
}

// check reports the problems that span settings or that their types do
// not rule out. A setting the role has not bound is zero and passes.
func (c *Config) check() error {
	var errs []error
	if c.Partitions < 0 {
		errs = append(errs, errors.New("--partitions must be positive"))
	}
	if c.Instance == "" {
		errs = append(errs, errors.New("--instance must not be empty"))
	}
	if c.ProjectorFlushRows < 0 || c.ProjectorFlushInterval < 0 {
		errs = append(errs, errors.New("--projector-flush-rows and --projector-flush-interval must not be negative"))
	}
	errs = append(errs, c.Ingest.check())
	return errors.Join(errs...)
}

// Logger builds the process logger, on stderr.
func (c Config) Logger() *slog.Logger { return c.Log.Logger(os.Stderr) }
