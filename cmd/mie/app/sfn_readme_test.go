package app

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The README's Step Functions quick start, run as written against a test
// server (only the endpoint is the test's): the AWS CLI v2 and boto3,
// aws-sdk-go-v2 with go run.
//
// The CLI is MIE_TEST_AWSCLI and the Python with boto3 MIE_TEST_S3_PYTHON,
// as deploy/s3/tools.sh installs them from PyPI (CI does); without them
// the CLI and boto3 tests skip and say so.
const (
	envAWSCLI = "MIE_TEST_AWSCLI"
	envBoto3  = "MIE_TEST_S3_PYTHON"
)

const readmeEndpoint = "http://127.0.0.1:8080"

// repoRoot is the module's root, from this package's directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// readmeBlock returns the first ```lang block of README.md that holds
// marker.
func readmeBlock(t *testing.T, lang, marker string) string {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile("(?s)```"+lang+"\n(.*?)```").FindAllSubmatch(doc, -1) {
		if strings.Contains(string(m[1]), marker) {
			if !strings.Contains(string(m[1]), readmeEndpoint) {
				t.Fatalf("the README's %s example no longer uses %s", lang, readmeEndpoint)
			}
			return string(m[1])
		}
	}
	t.Fatalf("README.md has no %s block with %q", lang, marker)
	return ""
}

// awsTool is the tool an environment variable names, or skips the test.
func awsTool(t *testing.T, env, what string) string {
	t.Helper()
	path := os.Getenv(env)
	if path == "" {
		t.Skipf("%s is not set: no %s (deploy/s3/tools.sh install gets it from PyPI; `deploy/s3/tools.sh env` prints the variables; CI sets them)", env, what)
	}
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s=%s: %v", env, path, err)
	}
	return path
}

// shellCommands splits a shell block into its commands, joining continued
// lines.
func shellCommands(block string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(block, "\n") {
		if strings.HasSuffix(line, `\`) {
			cur.WriteString(strings.TrimSuffix(line, `\`))
			continue
		}
		cur.WriteString(line)
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, s)
		}
		cur.Reset()
	}
	return out
}

func TestReadmeStepFunctionsCLI(t *testing.T) {
	awsCLI := awsTool(t, envAWSCLI, "AWS CLI v2")
	a, _ := sfnApp(t)
	block := strings.ReplaceAll(readmeBlock(t, "sh", "aws stepfunctions"), readmeEndpoint, a.URL())
	cmds := shellCommands(block)
	if len(cmds) != 5 || !strings.HasPrefix(cmds[0], "export ") {
		t.Fatalf("the README's CLI example is %d commands, want an export and four aws calls: %q", len(cmds), cmds)
	}
	run := func(cmd string) string {
		c := exec.Command("bash", "-c", cmds[0]+"\n"+cmd)
		c.Env = append(os.Environ(), "PATH="+filepath.Dir(awsCLI)+":"+os.Getenv("PATH"))
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", cmd, err, out)
		}
		return string(out)
	}
	if out := run(cmds[1]); !strings.Contains(out, `"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Hello"`) {
		t.Fatalf("create-state-machine answered %s", out)
	}
	if out := run(cmds[2]); !strings.Contains(out, `"executionArn": "arn:aws:states:us-east-1:123456789012:execution:Hello:first"`) {
		t.Fatalf("start-execution answered %s", out)
	}
	var described string
	eventually(t, 60*time.Second, "describe-execution to answer SUCCEEDED", func() bool {
		described = run(cmds[3])
		return strings.Contains(described, `"status": "SUCCEEDED"`)
	})
	if !strings.Contains(described, `\"greeting\":\"hello\"`) {
		t.Fatalf("describe-execution = %s", described)
	}
	history := run(cmds[4])
	for _, typ := range []string{"ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"} {
		if !strings.Contains(history, `"type": "`+typ+`"`) {
			t.Fatalf("get-execution-history has no %s:\n%s", typ, history)
		}
	}
}

func TestReadmeStepFunctionsBoto3(t *testing.T) {
	python := awsTool(t, envBoto3, "Python with boto3")
	a, _ := sfnApp(t)
	code := strings.ReplaceAll(readmeBlock(t, "python", "boto3.client"), readmeEndpoint, a.URL())
	c := exec.Command(python, "-c", code)
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("the boto3 example: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], `SUCCEEDED {`) || !strings.Contains(lines[0], `"greeting":"hello"`) ||
		lines[1] != "1 ExecutionStarted" || lines[4] != "4 ExecutionSucceeded" {
		t.Fatalf("the boto3 example printed:\n%s", out)
	}
}

func TestReadmeStepFunctionsGo(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to run the README's Go example with")
	}
	a, _ := sfnApp(t)
	code := strings.ReplaceAll(readmeBlock(t, "go", "sfn.NewFromConfig"), readmeEndpoint, a.URL())
	// Inside the module, so that it builds with the module's aws-sdk-go-v2.
	dir := filepath.Join(repoRoot(t), ".cache", "readme-go", strings.ReplaceAll(t.Name(), "/", "_"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	file := filepath.Join(dir, "main.go")
	if err := os.WriteFile(file, []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	c := exec.Command(goBin, "run", file)
	c.Dir = repoRoot(t)
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("the Go example: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], `SUCCEEDED {`) || lines[1] != "1 ExecutionStarted" || lines[4] != "4 ExecutionSucceeded" {
		t.Fatalf("the Go example printed:\n%s", out)
	}
}

// The boto3 activity worker and StartSyncExecution of
// docs/stepfunctions.md, as written.
func TestDocsStepFunctionsBoto3(t *testing.T) {
	python := awsTool(t, envBoto3, "Python with boto3")
	a, _ := sfnApp(t)
	doc, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "stepfunctions.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```python\n(.*?)```").FindSubmatch(doc)
	if m == nil || !strings.Contains(string(m[1]), readmeEndpoint) {
		t.Fatalf("docs/stepfunctions.md has no python example on %s", readmeEndpoint)
	}
	c := exec.Command(python, "-c", strings.ReplaceAll(string(m[1]), readmeEndpoint, a.URL()))
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("the example: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 || lines[0] != `SUCCEEDED {"approved":true}` || !strings.HasPrefix(lines[1], "SUCCEEDED {") ||
		!strings.Contains(lines[1], `"sum":3`) {
		t.Fatalf("the example printed:\n%s", out)
	}
}

// StartSyncExecution through the AWS CLI v2: with
// AWS_DISABLE_HOST_PREFIX_INJECTION the CLI calls the endpoint as given,
// as docs/stepfunctions.md says.
func TestStepFunctionsCLIStartSync(t *testing.T) {
	awsCLI := awsTool(t, envAWSCLI, "AWS CLI v2")
	a, c := sfnApp(t)
	smArn := createMachine(t, c, "Quick", `{"StartAt":"Add","States":{"Add":{"Type":"Pass","Result":3,"ResultPath":"$.sum","End":true}}}`, "EXPRESS")
	cmd := exec.Command(awsCLI, "stepfunctions", "--endpoint-url", a.URL(), "start-sync-execution",
		"--state-machine-arn", smArn, "--input", `{"a":1}`)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_PAGER=", "AWS_DISABLE_HOST_PREFIX_INJECTION=true")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("start-sync-execution: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), `"status": "SUCCEEDED"`) || !strings.Contains(string(out), `\"sum\":3`) {
		t.Fatalf("start-sync-execution answered:\n%s", out)
	}
}
