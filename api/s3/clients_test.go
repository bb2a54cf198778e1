package s3_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/s3test"
)

// bigFile writes a 7 MiB file: two parts for clients splitting at 5 MiB.
func bigFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "big.mov")
	if err := os.WriteFile(p, bytes.Repeat([]byte("frame."), 7<<20/6), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// clientEnv keeps the clients away from the user's AWS configuration.
func clientEnv(t *testing.T, extra ...string) []string {
	home := t.TempDir()
	return append(os.Environ(), append([]string{"HOME=" + home, "AWS_CONFIG_FILE=" + filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"), "AWS_ACCESS_KEY_ID=mie",
		"AWS_SECRET_ACCESS_KEY=mie", "AWS_DEFAULT_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER="}, extra...)...)
}

// The boto3 example of docs/s3.md.
func TestBoto3Example(t *testing.T) {
	py := s3test.Python(t)
	e := serve(t, nil, false)
	cmd := exec.CommandContext(t.Context(), py, "testdata/boto3_example.py")
	cmd.Env = clientEnv(t, "ENDPOINT="+e.URL, "BIG_FILE="+bigFile(t))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "boto3 example ok") {
		t.Fatalf("boto3 example: %v\n%s", err, out)
	}
}

// The AWS CLI v2 examples of docs/s3.md and the README's quick start.
func TestAWSCLIExamples(t *testing.T) {
	aws := s3test.AWSCLI(t)
	e := serve(t, nil, false)
	big := bigFile(t)
	small := filepath.Join(t.TempDir(), "talk.mp4")
	if err := os.WriteFile(small, []byte("not really a video"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := clientEnv(t)
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), aws, append([]string{"--endpoint-url", e.URL}, args...)...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("s3", "mb", "s3://cli-videos")
	run("s3", "cp", small, "s3://cli-videos/in/talk.mp4")
	run("s3", "cp", big, "s3://cli-videos/in/big.mov") // multipart: the CLI's threshold is 8 MiB by default
	run("configure", "set", "default.s3.multipart_threshold", "5MB")
	run("configure", "set", "default.s3.multipart_chunksize", "5MB")
	run("s3", "cp", big, "s3://cli-videos/in/big-parts.mov")
	ls := run("s3", "ls", "--recursive", "s3://cli-videos/")
	for _, k := range []string{"in/talk.mp4", "in/big.mov", "in/big-parts.mov"} {
		if !strings.Contains(ls, k) {
			t.Fatalf("aws s3 ls: no %s in\n%s", k, ls)
		}
	}
	if got := run("s3", "cp", "s3://cli-videos/in/talk.mp4", "-"); got != "not really a video" {
		t.Fatalf("aws s3 cp to stdout = %q", got)
	}
	head := run("s3api", "head-object", "--bucket", "cli-videos", "--key", "in/big-parts.mov")
	if !strings.Contains(head, `-2\""`) {
		t.Fatalf("the multipart object's ETag: %s", head)
	}
	back := filepath.Join(t.TempDir(), "back.mov")
	run("s3", "cp", "s3://cli-videos/in/big-parts.mov", back)
	if a, b := mustRead(t, back), mustRead(t, big); !bytes.Equal(a, b) {
		t.Fatal("the downloaded file differs from the uploaded one")
	}
	run("s3", "rm", "--recursive", "s3://cli-videos/")
	run("s3", "rb", "s3://cli-videos")
	if ls := run("s3", "ls"); strings.Contains(ls, "cli-videos") {
		t.Fatalf("the bucket is still listed:\n%s", ls)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
