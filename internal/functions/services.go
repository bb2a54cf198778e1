package functions

import (
	"strings"

	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/engine"
)

// AWS service integrations: a Task Resource arn:aws:states:::<service>:
// <action>[.sync|.waitForTaskToken], or the SDK form arn:aws:states:::
// aws-sdk:<service>:<action>, goes to the built-in worker that serves the
// service, builtin:aws.<service> (topic tasks.builtin.aws.<service>),
// with the state's effective parameters as the payload; the task record's
// Resource tells the worker the action and the pattern. A .sync task's
// worker answers Executing until the job ends (the worker protocol's
// Monitor steps); a .waitForTaskToken one's result is its token's answer.

const (
	servicePrefix = "arn:aws:states:::"
	sdkPrefix     = "aws-sdk:"
)

// ServiceWorker names the built-in that serves a service's integrations.
func ServiceWorker(service string) string { return "aws." + service }

// sdkNames maps the names the SDK integrations give services to the names
// their optimized integrations give them, when the two differ
// (aws-sdk:eventbridge:putEvents is events:putEvents): one worker serves
// both.
var sdkNames = map[string]string{"eventbridge": "events"}

// Service reads a service integration resource: the service, the action
// and its pattern suffix (".sync", ".sync:2", ".waitForTaskToken" or "").
func Service(resource string) (service, action, suffix string, ok bool) {
	rest, ok := strings.CutPrefix(resource, servicePrefix)
	if !ok {
		return "", "", "", false
	}
	rest, sdk := strings.CutPrefix(rest, sdkPrefix)
	service, action, ok = strings.Cut(rest, ":")
	if !ok || service == "" || action == "" {
		return "", "", "", false
	}
	if n, ok := sdkNames[service]; ok && sdk {
		service = n
	}
	for _, s := range []string{suffixToken, suffixSync + ":2", suffixSync} {
		if a, cut := strings.CutSuffix(action, s); cut {
			return service, a, s, a != ""
		}
	}
	return service, action, "", true
}

// service resolves a service integration to its worker.
func (r *Resolver) service(resource string, params any) (engine.Target, bool, error) {
	svc, _, suffix, ok := Service(resource)
	if !ok || resource == LambdaInvoke || strings.HasPrefix(resource, LambdaInvoke+".") {
		return engine.Target{}, false, nil
	}
	if _, known := r.Services[svc]; !known {
		return engine.Target{}, true, failure.New(failure.Runtime,
			"the service integration %s is not one this engine has: see docs/asl.md for the services it runs", resource)
	}
	topic, err := r.Catalog.Task("builtin:" + ServiceWorker(svc))
	if err != nil {
		return engine.Target{}, true, failure.New(failure.Runtime, "service %s: %v", svc, err)
	}
	pattern := engine.RequestResponse
	if suffix == suffixToken {
		pattern = engine.WaitForTaskToken
	}
	return engine.Target{Topic: topic, Implementation: "builtin:" + ServiceWorker(svc), Pattern: pattern, Payload: params}, true, nil
}
