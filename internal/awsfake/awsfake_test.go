package awsfake_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"

	"github.com/mie-kafka/mie/internal/awsfake"
)

func clients(t *testing.T) (*awsfake.Server, *ec2.Client, *ssm.Client) {
	t.Helper()
	f := awsfake.New()
	t.Cleanup(f.Close)
	cfg := f.Config()
	e := ec2.NewFromConfig(cfg, func(o *ec2.Options) { o.BaseEndpoint = aws.String(f.URL()) })
	s := ssm.NewFromConfig(cfg, func(o *ssm.Options) { o.BaseEndpoint = aws.String(f.URL()) })
	return f, e, s
}

func TestEC2Describe(t *testing.T) {
	f, e, _ := clients(t)
	f.AddInstance(awsfake.Instance{ID: "i-1", State: awsfake.StateRunning, PrivateIP: "10.0.0.1", PublicIP: "3.3.3.3",
		Tags: map[string]string{"Role": "gpu-worker", "Name": "a"}})
	f.AddInstance(awsfake.Instance{ID: "i-2", State: awsfake.StateStopped, PrivateIP: "10.0.0.2",
		Tags: map[string]string{"Role": "gpu-worker"}})
	f.AddInstance(awsfake.Instance{ID: "i-3", State: awsfake.StateRunning, Tags: map[string]string{"Role": "web"}})

	ids := func(out *ec2.DescribeInstancesOutput) []string {
		var s []string
		for _, r := range out.Reservations {
			for _, i := range r.Instances {
				s = append(s, aws.ToString(i.InstanceId))
			}
		}
		return s
	}
	cases := []struct {
		name string
		in   ec2.DescribeInstancesInput
		want []string
	}{
		{"all", ec2.DescribeInstancesInput{}, []string{"i-1", "i-2", "i-3"}},
		{"by id", ec2.DescribeInstancesInput{InstanceIds: []string{"i-2"}}, []string{"i-2"}},
		{"by tag", ec2.DescribeInstancesInput{Filters: []ec2types.Filter{{Name: aws.String("tag:Role"), Values: []string{"gpu-worker"}}}},
			[]string{"i-1", "i-2"}},
		{"by tag and state", ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
			{Name: aws.String("tag:Role"), Values: []string{"gpu-worker"}},
			{Name: aws.String("instance-state-name"), Values: []string{"running"}}}}, []string{"i-1"}},
		{"none", ec2.DescribeInstancesInput{Filters: []ec2types.Filter{{Name: aws.String("tag:Role"), Values: []string{"db"}}}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := e.DescribeInstances(t.Context(), &c.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(out); !equal(got, c.want) {
				t.Fatalf("ids = %v, want %v", got, c.want)
			}
		})
	}
	out, err := e.DescribeInstances(t.Context(), &ec2.DescribeInstancesInput{InstanceIds: []string{"i-1"}})
	if err != nil {
		t.Fatal(err)
	}
	i := out.Reservations[0].Instances[0]
	if i.State.Name != ec2types.InstanceStateNameRunning || aws.ToString(i.PrivateIpAddress) != "10.0.0.1" ||
		aws.ToString(i.PublicIpAddress) != "3.3.3.3" || len(i.Tags) != 2 {
		t.Fatalf("instance = state %s private %s public %s tags %v", i.State.Name, aws.ToString(i.PrivateIpAddress),
			aws.ToString(i.PublicIpAddress), i.Tags)
	}

	_, err = e.DescribeInstances(t.Context(), &ec2.DescribeInstancesInput{InstanceIds: []string{"i-404"}})
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "InvalidInstanceID.NotFound" {
		t.Fatalf("unknown id: err = %v, want InvalidInstanceID.NotFound", err)
	}
}

func TestEC2Start(t *testing.T) {
	f, e, _ := clients(t)
	f.AddInstance(awsfake.Instance{ID: "i-1", State: awsfake.StateStopped})
	f.AddInstance(awsfake.Instance{ID: "i-2", State: awsfake.StateTerminated})
	out, err := e.StartInstances(t.Context(), &ec2.StartInstancesInput{InstanceIds: []string{"i-1"}})
	if err != nil {
		t.Fatal(err)
	}
	if sc := out.StartingInstances[0]; sc.CurrentState.Name != ec2types.InstanceStateNamePending ||
		sc.PreviousState.Name != ec2types.InstanceStateNameStopped {
		t.Fatalf("state change = %s -> %s", sc.PreviousState.Name, sc.CurrentState.Name)
	}
	if x, _ := f.Instance("i-1"); x.State != awsfake.StatePending {
		t.Fatalf("state = %s, want pending", x.State)
	}
	_, err = e.StartInstances(t.Context(), &ec2.StartInstancesInput{InstanceIds: []string{"i-2"}})
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "IncorrectInstanceState" {
		t.Fatalf("terminated: err = %v", err)
	}
	f.Fail("ec2:StartInstances", "UnauthorizedOperation")
	_, err = e.StartInstances(t.Context(), &ec2.StartInstancesInput{InstanceIds: []string{"i-1"}})
	if !errors.As(err, &api) || api.ErrorCode() != "UnauthorizedOperation" {
		t.Fatalf("injected: err = %v", err)
	}
	if got := f.Started(); !equal(got, []string{"i-1"}) {
		t.Fatalf("started = %v", got)
	}
	if n := f.Count("ec2:StartInstances"); n != 3 {
		t.Fatalf("StartInstances calls = %d, want 3", n)
	}
}

func TestSSM(t *testing.T) {
	f, _, s := clients(t)
	_, err := s.GetParameter(t.Context(), &ssm.GetParameterInput{Name: aws.String("/gpu/id")})
	var nf *ssmtypes.ParameterNotFound
	if !errors.As(err, &nf) {
		t.Fatalf("missing: err = %v (%T), want ParameterNotFound", err, err)
	}
	f.SetParameter("/gpu/id", "i-1")
	out, err := s.GetParameter(t.Context(), &ssm.GetParameterInput{Name: aws.String("/gpu/id")})
	if err != nil {
		t.Fatal(err)
	}
	if v := aws.ToString(out.Parameter.Value); v != "i-1" {
		t.Fatalf("value = %q", v)
	}
	_, err = s.PutParameter(t.Context(), &ssm.PutParameterInput{Name: aws.String("/gpu/id"), Value: aws.String("i-2"),
		Type: ssmtypes.ParameterTypeString})
	var exists *ssmtypes.ParameterAlreadyExists
	if !errors.As(err, &exists) {
		t.Fatalf("no overwrite: err = %v", err)
	}
	put, err := s.PutParameter(t.Context(), &ssm.PutParameterInput{Name: aws.String("/gpu/id"), Value: aws.String("i-2"),
		Type: ssmtypes.ParameterTypeString, Overwrite: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if put.Version != 2 {
		t.Fatalf("version = %d, want 2", put.Version)
	}
	if v, _ := f.Parameter("/gpu/id"); v != "i-2" {
		t.Fatalf("stored = %q", v)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
