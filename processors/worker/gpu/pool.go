package gpu

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"
)

// Sentinels a check reports in Availability.Sentinel.
const (
	// SentinelNone: the SSM parameter holds "none" or is empty.
	SentinelNone = "none"
	// SentinelAbsent: the SSM parameter does not exist.
	SentinelAbsent = "absent"
	// SentinelUnconfigured: neither a URL nor an SSM parameter is set.
	SentinelUnconfigured = "unconfigured"
)

// Availability is the answer of one check.
type Availability struct {
	// Up: the worker answered its health check.
	Up bool
	// URL is the worker's base URL (set whenever it could be resolved).
	URL string
	// InstanceID is the instance in use (cloud pools).
	InstanceID string
	// Sentinel is set when no instance is configured: none, absent or
	// unconfigured.
	Sentinel string
	// Reason says why the pool is down.
	Reason string
}

// Pool checks one GPU worker pool.
type Pool struct {
	cfg Config
	log *slog.Logger
}

// New validates cfg and applies its defaults.
func New(cfg Config) (*Pool, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	return &Pool{cfg: cfg, log: cfg.Logger.With("component", "gpu-pool")}, nil
}

// Cloud reports whether the pool is discovered through AWS.
func (p *Pool) Cloud() bool { return p.cfg.SSMParameter != "" }

// Check resolves the worker and asks its health endpoint. It never fails:
// whatever goes wrong is a down pool with a Reason.
func (p *Pool) Check(ctx context.Context) Availability {
	var a Availability
	switch {
	case p.cfg.URL != "":
		a.URL = p.cfg.URL
	case p.Cloud():
		a = p.resolve(ctx)
		if a.URL == "" {
			return a
		}
	default:
		return Availability{Sentinel: SentinelUnconfigured, Reason: "no GPU worker is configured (URL or SSM parameter)"}
	}
	if err := p.health(ctx, a.URL); err != nil {
		a.Reason = err.Error()
		return a
	}
	a.Up = true
	return a
}

func (p *Pool) health(ctx context.Context, base string) error {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.HealthTimeout)
	defer cancel()
	u := base + p.cfg.HealthPath
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("health check %s: %w", u, err)
	}
	resp, err := p.cfg.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("health check %s: %w", u, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("health check %s answered HTTP %s", u, resp.Status)
	}
	return nil
}

// resolve finds the instance: its id fresh from SSM, its state and address
// from EC2, adopting a running tagged instance when the stored id is stale.
func (p *Pool) resolve(ctx context.Context) Availability {
	id, sentinel, err := p.readID(ctx)
	switch {
	case err != nil:
		return Availability{Reason: err.Error()}
	case sentinel != "":
		return Availability{Sentinel: sentinel, Reason: fmt.Sprintf("SSM parameter %s says there is no GPU instance (%s)", p.cfg.SSMParameter, sentinel)}
	}
	inst, err := p.describe(ctx, id)
	if err != nil {
		return Availability{InstanceID: id, Reason: err.Error()}
	}
	state := "not-found"
	if inst != nil && inst.State != nil {
		state = string(inst.State.Name)
	}
	switch state {
	case string(ec2types.InstanceStateNameRunning):
		return Availability{InstanceID: id, URL: p.url(inst)}
	case string(ec2types.InstanceStateNameStopped), string(ec2types.InstanceStateNameStopping),
		string(ec2types.InstanceStateNameTerminated), string(ec2types.InstanceStateNameShuttingDown), "not-found":
		return p.recover(ctx, id, state)
	}
	return Availability{InstanceID: id, Reason: fmt.Sprintf("GPU instance %s is %s", id, state)}
}

// recover handles a stale stored id: a running instance with the GPU tag
// is adopted and its id written back to SSM.
func (p *Pool) recover(ctx context.Context, staleID, state string) Availability {
	fail := func(reason string) Availability {
		p.log.Warn("stale GPU instance id and no running replacement", "step", StepInstanceRecoveryFailed,
			"instance_id", staleID, "state", state, "reason", reason)
		return Availability{InstanceID: staleID, Reason: fmt.Sprintf("GPU instance %s is %s and %s", staleID, state, reason)}
	}
	if p.cfg.Tag.Key == "" {
		return fail("no GPU tag is configured to find a replacement")
	}
	found, err := p.byTag(ctx, ec2types.InstanceStateNameRunning)
	if err != nil {
		return fail(err.Error())
	}
	if found == nil {
		return fail(fmt.Sprintf("no running instance is tagged %s", p.cfg.Tag))
	}
	newID := aws.ToString(found.InstanceId)
	p.log.Info("adopted a running GPU instance by tag", "step", StepInstanceAdoptedByTag,
		"old_instance_id", staleID, "new_instance_id", newID, "tag", p.cfg.Tag.String())
	p.writeID(ctx, newID)
	return Availability{InstanceID: newID, URL: p.url(found)}
}

// writeID stores id in the SSM parameter; a failure is logged, not fatal:
// the next check scans again.
func (p *Pool) writeID(ctx context.Context, id string) {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.CloudTimeout)
	defer cancel()
	_, err := p.cfg.SSM.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(p.cfg.SSMParameter),
		Value: aws.String(id), Type: ssmtypes.ParameterTypeString, Overwrite: aws.Bool(true)})
	if err != nil {
		p.log.Warn("could not write the GPU instance id to SSM", "parameter", p.cfg.SSMParameter, "instance_id", id, "err", err)
		return
	}
	p.log.Info("GPU instance id written to SSM", "step", StepSSMInstanceIDUpdated, "instance_id", id, "parameter", p.cfg.SSMParameter)
}

// url builds the worker's base URL, preferring the private address: the
// public one routes through NAT and breaks security-group rules.
func (p *Pool) url(inst *ec2types.Instance) string {
	host := aws.ToString(inst.PrivateIpAddress)
	if host == "" {
		host = aws.ToString(inst.PublicIpAddress)
	}
	if host == "" {
		return ""
	}
	return p.cfg.Scheme + "://" + net.JoinHostPort(host, strconv.Itoa(p.cfg.Port))
}

// readID reads the instance id; sentinel is set for "none", "" or absent.
func (p *Pool) readID(ctx context.Context) (id, sentinel string, err error) {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.CloudTimeout)
	defer cancel()
	out, err := p.cfg.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(p.cfg.SSMParameter)})
	var nf *ssmtypes.ParameterNotFound
	switch {
	case errors.As(err, &nf):
		return "", SentinelAbsent, nil
	case err != nil:
		return "", "", fmt.Errorf("read SSM parameter %s: %w", p.cfg.SSMParameter, err)
	}
	v := ""
	if out.Parameter != nil {
		v = strings.TrimSpace(aws.ToString(out.Parameter.Value))
	}
	if v == "" || strings.EqualFold(v, SentinelNone) {
		return "", SentinelNone, nil
	}
	return v, "", nil
}

// describe returns the instance, or nil when EC2 does not know the id.
func (p *Pool) describe(ctx context.Context, id string) (*ec2types.Instance, error) {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.CloudTimeout)
	defer cancel()
	out, err := p.cfg.EC2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	var api smithy.APIError
	if errors.As(err, &api) && strings.HasPrefix(api.ErrorCode(), "InvalidInstanceID") {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("describe GPU instance %s: %w", id, err)
	}
	for _, r := range out.Reservations {
		for i := range r.Instances {
			if aws.ToString(r.Instances[i].InstanceId) == id {
				return &r.Instances[i], nil
			}
		}
	}
	return nil, nil
}

// byTag returns the first instance (by id) with the GPU tag in state.
func (p *Pool) byTag(ctx context.Context, state ec2types.InstanceStateName) (*ec2types.Instance, error) {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.CloudTimeout)
	defer cancel()
	out, err := p.cfg.EC2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		{Name: aws.String("tag:" + p.cfg.Tag.Key), Values: []string{p.cfg.Tag.Value}},
		{Name: aws.String("instance-state-name"), Values: []string{string(state)}},
	}})
	if err != nil {
		return nil, fmt.Errorf("scan instances tagged %s: %w", p.cfg.Tag, err)
	}
	var best *ec2types.Instance
	for _, r := range out.Reservations {
		for i := range r.Instances {
			in := &r.Instances[i]
			if in.State == nil || in.State.Name != state {
				continue
			}
			if best == nil || aws.ToString(in.InstanceId) < aws.ToString(best.InstanceId) {
				best = in
			}
		}
	}
	return best, nil
}
