package gpu

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// AWSClients builds the EC2 and SSM clients from the default credential
// chain (environment, shared config, instance role). region overrides the
// configured region; endpoint, when set, points both clients at another
// endpoint (a test fake, LocalStack).
func AWSClients(ctx context.Context, region, endpoint string) (*ec2.Client, *ssm.Client, error) {
	var opts []func(*config.LoadOptions) error
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("gpu: load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, nil, fmt.Errorf("gpu: no AWS region: set --aws-region or AWS_REGION")
	}
	return NewClients(cfg, endpoint)
}

// NewClients builds the clients from an aws.Config; endpoint, when set, is
// both clients' BaseEndpoint.
func NewClients(cfg aws.Config, endpoint string) (*ec2.Client, *ssm.Client, error) {
	e := ec2.NewFromConfig(cfg, func(o *ec2.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	s := ssm.NewFromConfig(cfg, func(o *ssm.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	return e, s, nil
}
