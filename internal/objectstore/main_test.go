package objectstore_test

import (
	"os"
	"testing"

	"github.com/mie-kafka/mie/internal/s3test"
)

func TestMain(m *testing.M) {
	code := m.Run()
	s3test.Stop()
	os.Exit(code)
}
