package gpu

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// Start sources logged with gpu_autostart_attempted.
const (
	SourceSSM     = "ssm"
	SourceTagScan = "tag_scan"
)

// TryStart tries to start the pool's instance. It is fire and forget: it
// returns nothing and whatever goes wrong is logged (gpu_autostart_failed),
// so it can never fail the task that asked. The instance started is the
// stored one when it is stopped; else, when the stored id is "none",
// absent or stale, a stopped instance with the GPU tag, whose id is then
// written to SSM so that the next check finds it once it runs. A pool with
// a fixed URL has nothing to start.
func (p *Pool) TryStart(ctx context.Context) {
	if !p.Cloud() {
		p.log.Debug("GPU pool has a fixed URL; nothing to start")
		return
	}
	failed := func(err error) {
		p.log.Warn("GPU auto-start failed", "step", StepAutostartFailed, "error", err.Error())
	}
	id, _, err := p.readID(ctx)
	if err != nil {
		failed(err)
		return
	}
	if id != "" {
		inst, err := p.describe(ctx, id)
		if err != nil {
			failed(err)
			return
		}
		state := ec2types.InstanceStateName("not-found")
		if inst != nil && inst.State != nil {
			state = inst.State.Name
		}
		switch state {
		case ec2types.InstanceStateNameStopped:
			p.start(ctx, id, SourceSSM, failed)
			return
		case ec2types.InstanceStateNameRunning, ec2types.InstanceStateNamePending, ec2types.InstanceStateNameStopping:
			p.log.Info("GPU instance is not startable now; not starting another", "instance_id", id, "state", string(state))
			return
		}
		// terminated, shutting down or unknown: the id is stale.
	}
	if p.cfg.Tag.Key == "" {
		p.log.Warn("no GPU instance to start: SSM names none and no GPU tag is configured", "step", StepAutostartNoInstanceFound)
		return
	}
	found, err := p.byTag(ctx, ec2types.InstanceStateNameStopped)
	if err != nil {
		failed(err)
		return
	}
	if found == nil {
		p.log.Warn("no stopped GPU instance to start", "step", StepAutostartNoInstanceFound, "tag", p.cfg.Tag.String())
		return
	}
	newID := aws.ToString(found.InstanceId)
	if p.start(ctx, newID, SourceTagScan, failed) && newID != id {
		p.writeID(ctx, newID)
	}
}

func (p *Pool) start(ctx context.Context, id, source string, failed func(error)) bool {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.CloudTimeout)
	defer cancel()
	if _, err := p.cfg.EC2.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: []string{id}}); err != nil {
		failed(fmt.Errorf("start GPU instance %s: %w", id, err))
		return false
	}
	p.log.Info("GPU instance start requested", "step", StepAutostartAttempted, "instance_id", id, "source", source)
	return true
}
