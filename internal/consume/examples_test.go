package consume_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/broker"
	"github.com/mie-kafka/mie/internal/kafkatest"
)

// The consumers in docs/change-stream.md are run as written, against a
// broker of the test, so that the documentation stays right. Each needs
// its runtime and client library, which CI installs (.ci/run):
//
//	MIE_TEST_PYTHON     a python with confluent-kafka
//	MIE_TEST_KAFKA_LIBS a directory of jars with kafka-clients and Jackson
//	                    (Apache Kafka's libs/, as deploy/kafka/kafka.sh fetches it)
//
// Without them the tests skip and say what is missing.
const (
	envPython    = "MIE_TEST_PYTHON"
	envKafkaLibs = "MIE_TEST_KAFKA_LIBS"
)

// docExample returns the first ```lang block of docs/change-stream.md.
func docExample(t *testing.T, lang string) string {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "change-stream.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```" + lang + "\n(.*?)```").FindSubmatch(doc)
	if m == nil {
		t.Fatalf("docs/change-stream.md has no %s example", lang)
	}
	return string(m[1])
}

// retarget points an example at the test's broker, topic and group,
// checking that each placeholder is there.
func retarget(t *testing.T, code string, kafka broker.Config, topic, group string, groupPlaceholder string) string {
	t.Helper()
	for old, repl := range map[string]string{
		`"127.0.0.1:9092"`:           `"` + strings.Join(kafka.Brokers, ",") + `"`,
		`"dataplane"`:                `"` + topic + `"`,
		`"` + groupPlaceholder + `"`: `"` + group + `"`,
	} {
		if !strings.Contains(code, old) {
			t.Fatalf("the example no longer contains %s", old)
		}
		code = strings.ReplaceAll(code, old, repl)
	}
	return code
}

// changes writes n AssetCreated changes, one per asset, in a transaction.
func changes(t *testing.T, kafka broker.Config, topic string, n int) []string {
	t.Helper()
	var recs []*kgo.Record
	var assets []string
	for i := range n {
		id := fmt.Sprintf("asset-%d-%s", i, events.NewID())
		env, err := events.New(id, "test", &events.AssetCreated{AssetId: id, MediaType: "Video", S3Bucket: "b", S3Key: "k"})
		if err != nil {
			t.Fatal(err)
		}
		r, err := env.Record(topic)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
		assets = append(assets, id)
	}
	kafkatest.ProduceTxn(t, kafka, recs...)
	return assets
}

// runExample runs cmd until every asset has been printed with its change
// type and the group has committed the whole topic, then stops it.
func runExample(t *testing.T, cmd *exec.Cmd, kafka broker.Config, topic, group string, assets []string) {
	t.Helper()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	want := map[string]bool{}
	for _, a := range assets {
		want[a] = true
	}
	timeout := time.After(90 * time.Second) // a JVM starting on a busy 2-core machine
	var seen []string
	for len(want) > 0 {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("the example exited after printing %q; stderr:\n%s", seen, stderr.String())
			}
			seen = append(seen, l)
			f := strings.Fields(l)
			if len(f) < 2 || f[1] != "AssetCreated" || !want[f[0]] {
				t.Fatalf("the example printed %q, want \"<asset id> AssetCreated ...\" for one of %v", l, assets)
			}
			delete(want, f[0])
		case <-timeout:
			t.Fatalf("the example printed only %q in 90 s; stderr:\n%s", seen, stderr.String())
		}
	}
	// It commits what it handled: the group's offsets reach past the last
	// change of every partition (a client may stop before the transaction
	// marker that follows it, or commit past it).
	cl := kafkatest.Client(t, kafka)
	stable, err := broker.StableEnds(t.Context(), cl, topic)
	if err != nil {
		t.Fatal(err)
	}
	ends := map[int32]int64{}
	err = kafka.ReadCommitted(t.Context(), topic, stable, func(r *kgo.Record) error {
		ends[r.Partition] = r.Offset + 1
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	kafkatest.Eventually(t, "the example's group to commit every change", func() bool {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		offs, err := kadm.NewClient(cl).FetchOffsets(ctx, group)
		if err != nil {
			return false
		}
		for p, end := range ends {
			o, ok := offs.Lookup(topic, p)
			if !ok || o.At < end {
				return false
			}
		}
		return true
	})
}

func TestDocConsumerPython(t *testing.T) {
	python := os.Getenv(envPython)
	if python == "" {
		t.Skipf("%s is not set: it names a python with confluent-kafka (.ci/run makes one)", envPython)
	}
	kafka, cat := kafkatest.Start(t)
	topic, group := cat.Dataplane(), "doc-python-"+events.NewID()
	assets := changes(t, kafka, topic, 5)
	code := retarget(t, docExample(t, "python"), kafka, topic, group, "search-indexer")
	path := filepath.Join(t.TempDir(), "consumer.py")
	if err := os.WriteFile(path, []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	runExample(t, exec.Command(python, "-u", path), kafka, topic, group, assets)
}

// javaWrapper makes the documented fragment a program: the flag it loops
// on, and a load that prints what it was given.
const javaWrapper = `import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.common.serialization.StringDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

public class DocConsumer {
    static volatile boolean running = true;

    static void load(String assetId, String type, JsonNode data) {
        System.out.println(assetId + " " + type + " " + data.get("AssetId").asText());
        System.out.flush();
    }

    public static void main(String[] args) throws Exception {
%s
    }
}
`

func TestDocConsumerJava(t *testing.T) {
	libs := os.Getenv(envKafkaLibs)
	if libs == "" {
		t.Skipf("%s is not set: it names Apache Kafka's libs directory (deploy/kafka/kafka.sh fetch puts it under .cache/kafka)", envKafkaLibs)
	}
	java, err := exec.LookPath("java")
	if err != nil {
		t.Skip("no java on PATH")
	}
	kafka, cat := kafkatest.Start(t)
	topic, group := cat.Dataplane(), "doc-java-"+events.NewID()
	assets := changes(t, kafka, topic, 5)
	code := retarget(t, docExample(t, "java"), kafka, topic, group, "analytics-loader")
	dir := t.TempDir()
	path := filepath.Join(dir, "DocConsumer.java")
	if err := os.WriteFile(path, fmt.Appendf(nil, javaWrapper, code), 0o644); err != nil {
		t.Fatal(err)
	}
	// Java 11+ runs a single source file directly.
	runExample(t, exec.Command(java, "-Xmx256m", "-cp", filepath.Join(libs, "*"), path), kafka, topic, group, assets)
}
