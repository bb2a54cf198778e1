// Package awsfake is a fake of the two AWS APIs the GPU pool calls, for
// tests: an HTTP server that speaks enough of the EC2 Query API
// (DescribeInstances with instance-id, instance-state-name and tag filters;
// StartInstances) and of the SSM JSON 1.1 API (GetParameter, PutParameter)
// for aws-sdk-go-v2 clients pointed at it with BaseEndpoint. Its state lives
// in memory and tests read and change it directly.
//
// It fakes something outside the system (a cloud API); the engine's own
// components are never faked.
package awsfake

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Region is the region the fake claims to be.
const Region = "us-east-1"

// EC2 instance states.
const (
	StatePending    = "pending"
	StateRunning    = "running"
	StateStopping   = "stopping"
	StateStopped    = "stopped"
	StateTerminated = "terminated"
)

// stateCodes are EC2's numeric state codes.
var stateCodes = map[string]int{
	StatePending: 0, StateRunning: 16, "shutting-down": 32, StateTerminated: 48, StateStopping: 64, StateStopped: 80,
}

// Instance is one fake EC2 instance.
type Instance struct {
	ID        string
	State     string
	PrivateIP string
	PublicIP  string
	Tags      map[string]string
}

func (i Instance) clone() Instance {
	c := i
	c.Tags = make(map[string]string, len(i.Tags))
	for k, v := range i.Tags {
		c.Tags[k] = v
	}
	return c
}

// Parameter is one fake SSM parameter.
type Parameter struct {
	Name     string
	Value    string
	Type     string
	Version  int64
	Modified time.Time
}

// Server is the fake. Close it when done.
type Server struct {
	srv *httptest.Server

	mu        sync.Mutex
	instances []*Instance
	params    map[string]*Parameter
	calls     []string
	started   []string
	fail      map[string]string
}

// New starts a fake on a loopback port.
func New() *Server {
	s := &Server{params: map[string]*Parameter{}, fail: map[string]string{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// URL is the endpoint to give the SDK clients as BaseEndpoint.
func (s *Server) URL() string { return s.srv.URL }

// Config is an aws.Config for clients of the fake: its region and static
// credentials. Pass URL as each client's BaseEndpoint.
func (s *Server) Config() aws.Config {
	return aws.Config{
		Region:      Region,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDFAKE", "fake-secret", ""),
	}
}

// AddInstance adds (or replaces, by ID) an instance.
func (s *Server) AddInstance(in Instance) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in = in.clone()
	for i, x := range s.instances {
		if x.ID == in.ID {
			s.instances[i] = &in
			return
		}
	}
	s.instances = append(s.instances, &in)
}

// SetState changes an instance's state, as the instance itself would (it
// finished booting, an idle watchdog stopped it, ...).
func (s *Server) SetState(id, state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if x := s.instance(id); x != nil {
		x.State = state
	}
}

// Instance returns a copy of an instance.
func (s *Server) Instance(id string) (Instance, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if x := s.instance(id); x != nil {
		return x.clone(), true
	}
	return Instance{}, false
}

func (s *Server) instance(id string) *Instance {
	for _, x := range s.instances {
		if x.ID == id {
			return x
		}
	}
	return nil
}

// SetParameter writes an SSM parameter (a String).
func (s *Server) SetParameter(name, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.put(name, value, "String")
}

// DeleteParameter removes an SSM parameter.
func (s *Server) DeleteParameter(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.params, name)
}

func (s *Server) put(name, value, typ string) *Parameter {
	p := s.params[name]
	if p == nil {
		p = &Parameter{Name: name}
		s.params[name] = p
	}
	p.Value, p.Type, p.Modified = value, typ, time.Now().UTC()
	p.Version++
	return p
}

// Parameter returns an SSM parameter's value.
func (s *Server) Parameter(name string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.params[name]
	if !ok {
		return "", false
	}
	return p.Value, true
}

// Calls lists the actions called so far, in order, e.g.
// "ec2:DescribeInstances", "ssm:GetParameter".
func (s *Server) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// Count is how many times action (e.g. "ec2:StartInstances") was called.
func (s *Server) Count(action string) int {
	n := 0
	for _, c := range s.Calls() {
		if c == action {
			n++
		}
	}
	return n
}

// Started lists the instance ids StartInstances was called with.
func (s *Server) Started() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.started)
}

// Fail makes every later call of action (e.g. "ec2:StartInstances") answer
// with the error code (e.g. "UnauthorizedOperation"); an empty code stops
// failing it.
func (s *Server) Fail(action, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code == "" {
		delete(s.fail, action)
		return
	}
	s.fail[action] = code
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		s.serveSSM(w, r, target)
		return
	}
	s.serveEC2(w, r)
}

// record notes a call and returns the error code to answer with, if the
// action is set to fail.
func (s *Server) record(action string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, action)
	return s.fail[action]
}

func tagKey(filter string) (string, bool) {
	return strings.CutPrefix(filter, "tag:")
}
