// Package integrations holds what every AWS service integration of Step
// Functions answers alike: the response metadata the optimized
// integrations add to a result, and the names their failures take. The
// tables processor and the service workers (processors/worker/services)
// both answer with it.
package integrations

import (
	"encoding/json"
	"fmt"
	"hash/crc32"
	"strings"
)

// IsSDK reports whether a Task resource is an AWS SDK integration
// (arn:aws:states:::aws-sdk:<service>:<action>) rather than an optimized
// one (arn:aws:states:::<service>:<action>).
func IsSDK(resource string) bool { return strings.Contains(resource, ":::aws-sdk:") }

// WithMetadata adds to an optimized integration's result the
// SdkHttpMetadata and SdkResponseMetadata Step Functions adds: the HTTP
// status and headers of the service's answer (body is the answer as the
// service would have sent it), and its request id. An SDK integration's
// result is the service's response alone.
func WithMetadata(resource string, result map[string]any, contentType, requestID string) map[string]any {
	if IsSDK(resource) {
		return result
	}
	body, _ := json.Marshal(result)
	headers := map[string]string{
		"Content-Type":     contentType,
		"Content-Length":   fmt.Sprint(len(body)),
		"x-amzn-RequestId": requestID,
		"x-amz-crc32":      fmt.Sprint(crc32.ChecksumIEEE(body)),
		"Server":           "Server",
	}
	all := map[string][]string{}
	for k, v := range headers {
		all[k] = []string{v}
	}
	result["SdkHttpMetadata"] = map[string]any{"AllHttpHeaders": all, "HttpHeaders": headers, "HttpStatusCode": 200}
	result["SdkResponseMetadata"] = map[string]any{"RequestId": requestID}
	return result
}

// Service names an AWS service as Step Functions prefixes its errors:
// Optimized for the optimized integration (DynamoDB, SNS, EventBridge)
// and SDK for the SDK integration (DynamoDb, Sns, EventBridge), and as
// the service names itself in causes (AmazonDynamoDBv2, AmazonSNS).
type Service struct {
	Optimized, SDK, Cause string
}

// Services the engine integrates.
var (
	DynamoDB    = Service{Optimized: "DynamoDB", SDK: "DynamoDb", Cause: "AmazonDynamoDBv2"}
	SNS         = Service{Optimized: "SNS", SDK: "Sns", Cause: "AmazonSNS"}
	EventBridge = Service{Optimized: "EventBridge", SDK: "EventBridge", Cause: "AmazonEventBridge"}
)

// Failure names a service error as a Task failure: <Prefix>.<code>, with
// a cause in AWS's form. status is the HTTP status the service answered.
func (s Service) Failure(resource, code, message string, status int, requestID string) (name, cause string) {
	if IsSDK(resource) {
		return s.SDK + "." + code, fmt.Sprintf("%s (Service: %s, Status Code: %d, Request ID: %s)", message, s.SDK, status, requestID)
	}
	return s.Optimized + "." + code, fmt.Sprintf("%s (Service: %s; Status Code: %d; Error Code: %s; Request ID: %s; Proxy: null)",
		message, s.Cause, status, code, requestID)
}
