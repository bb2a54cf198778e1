package dynamodb

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/tables"
	"github.com/mie-kafka/mie/internal/topics"
)

// Resources is the resources projection as the API reads it.
type Resources interface {
	Table(name string) (*tables.Schema, bool)
	Tables() []events.Table
	Sync(ctx context.Context) error
}

// Items is the items projection as the API reads it.
type Items interface {
	Get(s *tables.Schema, key tables.Item) tables.Item
	WithHash(s *tables.Schema, v tables.Value) []tables.Item
	All(s *tables.Schema) []tables.Item
	Stats(s *tables.Schema) (count int, bytes int64)
	Forget(tableID string)
	SyncPartition(ctx context.Context, partition int32) error
	Sync(ctx context.Context) error
}

// Config wires the service.
type Config struct {
	// Client produces table definitions and operations.
	Client    *kgo.Client
	Kafka     broker.Config
	Catalog   topics.Catalog
	Resources Resources
	Items     Items
	// Instance names this API instance; its reply id derives from it.
	Instance string
	// Region and Account make the tables' ARNs; default us-east-1 and
	// 123456789012.
	Region, Account string
	// Timeout bounds one request's wait for the tables processor;
	// default 30s.
	Timeout time.Duration
	Logger  *slog.Logger
}

// Validate joins every problem.
func (c Config) Validate() error {
	var errs []error
	if c.Client == nil {
		errs = append(errs, errors.New("dynamodb: Client is required"))
	}
	if c.Resources == nil || c.Items == nil {
		errs = append(errs, errors.New("dynamodb: Resources and Items are required"))
	}
	if c.Logger == nil {
		errs = append(errs, errors.New("dynamodb: Logger is required"))
	}
	return errors.Join(errs...)
}

// Service serves DynamoDB's API.
type Service struct {
	cfg     Config
	log     *slog.Logger
	req     *requester
	actions map[string]action
}

// action handles one DynamoDB action: the request body in, the response
// out.
type action func(ctx context.Context, body json.RawMessage) (any, error)

// New validates cfg. Run must run for item writes to be answered.
func New(cfg Config) (*Service, error) {
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.Account == "" {
		cfg.Account = "123456789012"
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Service{cfg: cfg, log: cfg.Logger.With("api", "dynamodb")}
	s.req = newRequester(cfg.Client, cfg.Kafka, cfg.Catalog, "api-"+cfg.Instance+"-"+events.NewID(), s.log)
	s.actions = map[string]action{
		"CreateTable":        s.createTable,
		"DescribeTable":      s.describeTable,
		"ListTables":         s.listTables,
		"DeleteTable":        s.deleteTable,
		"PutItem":            s.putItem,
		"UpdateItem":         s.updateItem,
		"DeleteItem":         s.deleteItem,
		"GetItem":            s.getItem,
		"Query":              s.query,
		"Scan":               s.scan,
		"BatchWriteItem":     s.batchWrite,
		"BatchGetItem":       s.batchGet,
		"DescribeTimeToLive": s.describeTimeToLive,
		"ListTagsOfResource": s.listTags,
	}
	return s, nil
}

// Run reads the answers of this instance's operations until ctx ends.
func (s *Service) Run(ctx context.Context) error { return s.req.Run(ctx) }

// ServeHTTP serves one request: POST / with X-Amz-Target
// DynamoDB_20120810.<Action> and a JSON body. Every failure is answered
// in DynamoDB's error shape; a malformed request is a 400, never a 5xx.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := newRequestID()
	name, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), TargetPrefix)
	act := s.actions[name]
	if !ok || act == nil {
		writeError(w, id, tables.Errorf(tables.UnknownOperationException, "The action or operation requested is invalid: %q", r.Header.Get("X-Amz-Target")))
		return
	}
	if r.Method != http.MethodPost {
		writeError(w, id, tables.Errorf(tables.SerializationException, "DynamoDB's API takes POST, not %s", r.Method))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxRequestBytes+1))
	if err != nil {
		writeError(w, id, tables.Errorf(tables.SerializationException, "the request body cannot be read: %v", err))
		return
	}
	if len(body) > MaxRequestBytes {
		writeError(w, id, tables.Errorf(tables.ValidationException, "Request size exceeded the limit of %d bytes", MaxRequestBytes))
		return
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		body = []byte("{}")
	}
	if !json.Valid(body) {
		writeError(w, id, tables.Errorf(tables.SerializationException, "the request body is not valid JSON"))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.Timeout)
	defer cancel()
	out, err := act(ctx, body)
	if err != nil {
		if e := tables.AsError(err); !e.Code.Client() {
			s.log.Warn("dynamodb request failed", "action", name, "err", err)
		}
		writeError(w, id, err)
		return
	}
	writeJSON(w, http.StatusOK, id, out)
}

// decode reads a request body into v, as a SerializationException when
// its members have the wrong JSON types.
func decode(body json.RawMessage, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		if e := tables.AsError(err); e.Code != tables.InternalServerError {
			return e
		}
		return tables.Errorf(tables.SerializationException, "the request does not have the action's shape: %v", err)
	}
	return nil
}

// table finds a live table by the request's TableName.
func (s *Service) table(ctx context.Context, name string) (*tables.Schema, error) {
	if name == "" {
		return nil, tables.Errorf(tables.ValidationException,
			"1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null")
	}
	if t, ok := s.cfg.Resources.Table(name); ok {
		return t, nil
	}
	if err := s.cfg.Resources.Sync(ctx); err != nil {
		return nil, tables.Errorf(tables.ServiceUnavailable, "the table definitions cannot be read: %v", err)
	}
	if t, ok := s.cfg.Resources.Table(name); ok {
		return t, nil
	}
	return nil, tables.Errorf(tables.ResourceNotFoundException, "Requested resource not found")
}
