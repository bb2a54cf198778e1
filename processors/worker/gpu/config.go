// Package gpu tells whether a GPU worker pool can take work now, and tries
// to start it when it cannot. A pool is one GPU worker reached over HTTP:
// either at a fixed URL, or on a cloud instance discovered through AWS (the
// instance id is read fresh from an SSM parameter on every check, its state
// and private address from EC2, with a tag scan that adopts a running
// replacement when the stored id is stale). See docs/gpu.md.
package gpu

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// Log steps (slog key "step") of the pool; the ingest window logs the rest.
const (
	StepAutostartAttempted       = "gpu_autostart_attempted"
	StepAutostartNoInstanceFound = "gpu_autostart_no_instance_found"
	StepAutostartFailed          = "gpu_autostart_failed"
	StepInstanceAdoptedByTag     = "gpu_instance_adopted_by_tag"
	StepSSMInstanceIDUpdated     = "ssm_gpu_instance_id_updated"
	StepInstanceRecoveryFailed   = "gpu_instance_recovery_failed"
	// Steps of a task that needs the pool (Gate, and the ingest window).
	StepUnavailableRaised = "gpu_unavailable_raised"
	StepRetryScheduled    = "retry_scheduled"
	StepRetryExhausted    = "retry_exhausted"
)

// Defaults applied by New.
const (
	DefaultHealthPath    = "/health"
	DefaultPort          = 8000
	DefaultHealthTimeout = 5 * time.Second
	DefaultCloudTimeout  = 10 * time.Second
)

// EC2 is the part of the EC2 API the pool calls (*ec2.Client has it).
type EC2 interface {
	DescribeInstances(ctx context.Context, in *ec2.DescribeInstancesInput, opts ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error)
	StartInstances(ctx context.Context, in *ec2.StartInstancesInput, opts ...func(*ec2.Options)) (*ec2.StartInstancesOutput, error)
}

// SSM is the part of the SSM API the pool calls (*ssm.Client has it).
type SSM interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, opts ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
	PutParameter(ctx context.Context, in *ssm.PutParameterInput, opts ...func(*ssm.Options)) (*ssm.PutParameterOutput, error)
}

// Tag names the EC2 tag that marks GPU worker instances, e.g. Role=gpu-worker.
type Tag struct{ Key, Value string }

// ParseTag parses "Key=Value"; "" is no tag.
func ParseTag(s string) (Tag, error) {
	if strings.TrimSpace(s) == "" {
		return Tag{}, nil
	}
	k, v, ok := strings.Cut(s, "=")
	k, v = strings.TrimSpace(k), strings.TrimSpace(v)
	if !ok || k == "" || v == "" {
		return Tag{}, fmt.Errorf("gpu tag %q: want Key=Value, e.g. Role=gpu-worker", s)
	}
	return Tag{Key: k, Value: v}, nil
}

func (t Tag) String() string {
	if t.Key == "" {
		return ""
	}
	return t.Key + "=" + t.Value
}

// Config configures a Pool. With URL set the worker has a fixed address;
// with SSMParameter set it lives on an EC2 instance found through SSM and
// EC2. With neither, no GPU is configured and the pool is always down.
type Config struct {
	// URL is the worker's base URL (http://host:port), for a fixed worker.
	URL string
	// HealthPath is appended to the worker's base URL for the health
	// check; default /health. A 2xx answer means up.
	HealthPath string

	// SSMParameter names the parameter holding the GPU instance id;
	// "none" or absent means no GPU.
	SSMParameter string
	// Tag marks GPU worker instances, for adopting a running replacement
	// of a stale id and for finding a stopped instance to start.
	Tag Tag
	// Port and Scheme build the worker URL from the instance's address;
	// defaults 8000 and http.
	Port   int
	Scheme string
	// EC2 and SSM are the AWS clients; required with SSMParameter.
	EC2 EC2
	SSM SSM

	// HTTP sends health checks; default a client without redirects.
	HTTP *http.Client
	// HealthTimeout bounds one health check; default 5s.
	HealthTimeout time.Duration
	// CloudTimeout bounds one AWS call; default 10s.
	CloudTimeout time.Duration
	Logger       *slog.Logger
}

// Validate joins every problem with the configuration.
func (c Config) Validate() error {
	var errs []error
	if c.URL != "" && c.SSMParameter != "" {
		errs = append(errs, errors.New("gpu: give the worker's URL or an SSM parameter, not both"))
	}
	if c.URL != "" {
		if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("gpu: URL %q is not an http(s) URL", c.URL))
		}
	}
	if c.SSMParameter != "" {
		if c.EC2 == nil || c.SSM == nil {
			errs = append(errs, errors.New("gpu: an SSM parameter needs the EC2 and SSM clients"))
		}
	}
	if c.Tag.Key == "" && c.Tag.Value != "" {
		errs = append(errs, errors.New("gpu: Tag has a value but no key"))
	}
	if c.Port < 0 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("gpu: Port %d is out of range", c.Port))
	}
	if c.Scheme != "" && c.Scheme != "http" && c.Scheme != "https" {
		errs = append(errs, fmt.Errorf("gpu: Scheme %q: want http or https", c.Scheme))
	}
	if c.HealthPath != "" && !strings.HasPrefix(c.HealthPath, "/") {
		errs = append(errs, fmt.Errorf("gpu: HealthPath %q must start with /", c.HealthPath))
	}
	if c.HealthTimeout < 0 || c.CloudTimeout < 0 {
		errs = append(errs, errors.New("gpu: timeouts must not be negative"))
	}
	if c.Logger == nil {
		errs = append(errs, errors.New("gpu: Logger is required"))
	}
	return errors.Join(errs...)
}

func (c Config) withDefaults() Config {
	if c.HealthPath == "" {
		c.HealthPath = DefaultHealthPath
	}
	if c.Port == 0 {
		c.Port = DefaultPort
	}
	if c.Scheme == "" {
		c.Scheme = "http"
	}
	if c.HealthTimeout == 0 {
		c.HealthTimeout = DefaultHealthTimeout
	}
	if c.CloudTimeout == 0 {
		c.CloudTimeout = DefaultCloudTimeout
	}
	if c.HTTP == nil {
		c.HTTP = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	c.URL = strings.TrimRight(c.URL, "/")
	return c
}
