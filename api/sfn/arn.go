package sfn

import (
	"strconv"
	"strings"
)

// ARNs as Step Functions forms them:
//
//	arn:aws:states:<region>:<account>:stateMachine:<name>[:<version>|:<alias>]
//	arn:aws:states:<region>:<account>:execution:<stateMachine>:<name>
//	arn:aws:states:<region>:<account>:express:<stateMachine>:<name>:<id>
//	arn:aws:states:<region>:<account>:activity:<name>
//	arn:aws:states:<region>:<account>:mapRun:<stateMachine>/<label>:<id>
//
// The region and account are the API's --region and --account-id; an ARN
// of another region, account or partition names nothing here.

const partition = "aws"

// Resource kinds of an ARN.
const (
	kindStateMachine = "stateMachine"
	kindExecution    = "execution"
	kindExpress      = "express"
	kindActivity     = "activity"
	kindMapRun       = "mapRun"
)

// arn is a parsed Step Functions ARN: Parts are what follows the kind.
type arn struct {
	Partition, Region, Account, Kind string
	Parts                            []string
}

// parseARN reads a Step Functions ARN of one of kinds; what is not one is
// InvalidArn.
func parseARN(field, s string, kinds ...string) (arn, error) {
	f := strings.Split(s, ":")
	if len(s) > 2000 || len(f) < 7 || f[0] != "arn" || f[1] == "" || f[2] != "states" || f[3] == "" || f[4] == "" {
		return arn{}, fault(InvalidArn, "Invalid Arn: '%s' (%s)", s, field)
	}
	a := arn{Partition: f[1], Region: f[3], Account: f[4], Kind: f[5], Parts: f[6:]}
	want := map[string]int{kindStateMachine: 1, kindExecution: 2, kindExpress: 3, kindActivity: 1, kindMapRun: 2}
	n, known := want[a.Kind]
	ok := known && (len(a.Parts) == n || a.Kind == kindStateMachine && len(a.Parts) == 2)
	for _, p := range a.Parts {
		ok = ok && p != ""
	}
	if !ok || !contains(kinds, a.Kind) {
		return arn{}, fault(InvalidArn, "Invalid Arn: '%s' is not %s ARN", s, article(kinds))
	}
	return a, nil
}

func article(kinds []string) string {
	names := map[string]string{kindStateMachine: "a state machine", kindExecution: "an execution",
		kindExpress: "an express execution", kindActivity: "an activity", kindMapRun: "a map run"}
	var out []string
	for _, k := range kinds {
		out = append(out, names[k])
	}
	return strings.Join(out, " or ")
}

// ours reports whether the ARN is of this API's partition, region and
// account.
func (s *Service) ours(a arn) bool {
	return a.Partition == partition && a.Region == s.cfg.Region && a.Account == s.cfg.Account
}

func (s *Service) arnOf(kind string, parts ...string) string {
	return "arn:" + partition + ":states:" + s.cfg.Region + ":" + s.cfg.Account + ":" + kind + ":" + strings.Join(parts, ":")
}

func (s *Service) stateMachineArn(name string) string { return s.arnOf(kindStateMachine, name) }
func (s *Service) versionArn(name string, v int) string {
	return s.arnOf(kindStateMachine, name, strconv.Itoa(v))
}
func (s *Service) aliasArn(name, alias string) string { return s.arnOf(kindStateMachine, name, alias) }
func (s *Service) activityArn(name string) string     { return s.arnOf(kindActivity, name) }
func (s *Service) executionArn(machine, name string) string {
	return s.arnOf(kindExecution, machine, name)
}
func (s *Service) expressArn(machine, name, id string) string {
	return s.arnOf(kindExpress, machine, name, id)
}

// machineRef is a state machine ARN read: its name and, when qualified,
// a version number or an alias name.
type machineRef struct {
	Name    string
	Version int
	Alias   string
}

// parseMachineArn reads a state machine ARN; a Distributed Map's labelled
// ARN (name/label) is a ValidationException, as on AWS.
func (s *Service) parseMachineArn(field, v string) (machineRef, bool, error) {
	a, err := parseARN(field, v, kindStateMachine)
	if err != nil {
		return machineRef{}, false, err
	}
	ref := machineRef{Name: a.Parts[0]}
	if strings.Contains(ref.Name, "/") {
		return ref, false, &Fault{Code: ValidationException, Reason: "API_DOES_NOT_SUPPORT_LABELED_ARNS",
			Message: "this API does not accept a Distributed Map's labelled state machine ARN: " + v}
	}
	if len(a.Parts) == 2 {
		if n, err := strconv.Atoi(a.Parts[1]); err == nil {
			if n < 1 {
				return ref, false, fault(InvalidArn, "Invalid Arn: '%s': versions are numbered from 1", v)
			}
			ref.Version = n
		} else {
			ref.Alias = a.Parts[1]
		}
	}
	return ref, s.ours(a), nil
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
