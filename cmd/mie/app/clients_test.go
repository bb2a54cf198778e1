package app

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/kafkatest"
	"github.com/mie-kafka/mie/internal/s3test"
)

// AWS's Python SDK and CLI against the engine, as docs/tables.md and
// docs/notifications.md show them. deploy/s3/tools.sh installs both into
// .cache (CI runs it); without them the tests skip and say so.

// clientEnv keeps the clients away from the user's AWS configuration.
func clientEnv(t *testing.T, extra ...string) []string {
	home := t.TempDir()
	return append(os.Environ(), append([]string{"HOME=" + home, "AWS_CONFIG_FILE=" + filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"), "AWS_ACCESS_KEY_ID=mie",
		"AWS_SECRET_ACCESS_KEY=mie", "AWS_DEFAULT_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER="}, extra...)...)
}

// TestBoto3Example runs testdata/boto3_tables.py: tables through boto3's
// resource layer (as the reference's Lambdas use it), a notification to a
// webhook, an event.
func TestBoto3Example(t *testing.T) {
	py := s3test.Python(t)
	h := newHarness(t)
	a := h.start("a", Roles{API: true, Executor: true, Worker: true})
	hook := newSubscriber(t)
	cmd := exec.CommandContext(t.Context(), py, "testdata/boto3_tables.py")
	cmd.Env = clientEnv(t, "ENDPOINT="+a.URL(), "HOOK="+hook.srv.URL)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "boto3 example ok") {
		t.Fatalf("boto3 example: %v\n%s", err, out)
	}
	kafkatest.Eventually(t, "the notification delivered", func() bool { return len(hook.deliveries()) == 1 })
	if got := hook.deliveries()[0]; got["Subject"] != "Video Processing Success" {
		t.Errorf("delivered %v", got)
	}
}

// TestAWSCLIExamples runs the reference pipeline's aws dynamodb and aws
// sns commands as written (with its variables set), and the writes
// docs/tables.md shows. (Each CLI run takes seconds: the list is short.)
func TestAWSCLIExamples(t *testing.T) {
	aws := s3test.AWSCLI(t)
	h := newHarness(t)
	a := h.start("a", Roles{API: true, Worker: true})
	env := clientEnv(t)
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), aws, append([]string{"--endpoint-url", a.URL()}, args...)...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	const jobs = "video-workflow-jobs-a1b2c3d4"
	// The reference's Preparation, as written.
	run("dynamodb", "create-table",
		"--table-name", jobs,
		"--attribute-definitions",
		"AttributeName=JobId,AttributeType=S",
		"AttributeName=CreatedAt,AttributeType=S",
		"--key-schema",
		"AttributeName=JobId,KeyType=HASH",
		"--global-secondary-indexes",
		"IndexName=CreatedAtIndex,KeySchema=[{AttributeName=CreatedAt,KeyType=HASH}],Projection={ProjectionType=ALL},ProvisionedThroughput={ReadCapacityUnits=5,WriteCapacityUnits=5}",
		"--provisioned-throughput", "ReadCapacityUnits=10,WriteCapacityUnits=10",
		"--tags", "Key=Name,Value="+jobs, "Key=Environment,Value=Production")
	topicArn := run("sns", "create-topic", "--name", "video-workflow-notifications-a1b2c3d4", "--output", "text", "--query", "TopicArn")
	if topicArn != "arn:aws:sns:us-east-1:123456789012:video-workflow-notifications-a1b2c3d4" {
		t.Errorf("TopicArn = %q", topicArn)
	}
	run("dynamodb", "put-item", "--table-name", jobs, "--item",
		`{"JobId":{"S":"job-42"},"CreatedAt":{"S":"2026-03-14T09:26:53Z"},"JobStatus":{"S":"STARTED"}}`,
		"--condition-expression", "attribute_not_exists(JobId)")
	run("dynamodb", "update-item", "--table-name", jobs, "--key", `{"JobId":{"S":"job-42"}}`,
		"--update-expression", "SET JobStatus = :status", "--expression-attribute-values", `{":status":{"S":"PUBLISHED"}}`)
	// The reference's Validation & Testing, as written.
	desc := run("dynamodb", "describe-table", "--table-name", jobs, "--query", "Table.{Name:TableName,Status:TableStatus,ItemCount:ItemCount}")
	if !strings.Contains(desc, `"Status": "ACTIVE"`) || !strings.Contains(desc, `"ItemCount": 1`) {
		t.Errorf("describe-table = %s", desc)
	}
	scan := run("dynamodb", "scan", "--table-name", jobs, "--limit", "5", "--query", "Items[].{JobId:JobId.S,Status:JobStatus.S,CreatedAt:CreatedAt.S}")
	if !strings.Contains(scan, `"Status": "PUBLISHED"`) || !strings.Contains(scan, `"JobId": "job-42"`) {
		t.Errorf("scan = %s", scan)
	}
	cmd := exec.CommandContext(t.Context(), aws, "--endpoint-url", a.URL(), "dynamodb", "put-item", "--table-name", jobs,
		"--item", `{"JobId":{"S":"job-42"}}`, "--condition-expression", "attribute_not_exists(JobId)")
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "ConditionalCheckFailedException") {
		t.Errorf("a failed condition: %v %s", err, out)
	}
}
