package transact

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func TestLoopRestartsAFailedSession(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runs := 0
	err := Loop(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), "test", func(context.Context) error {
		runs++
		if runs == 2 {
			cancel()
			return nil
		}
		return errors.New("session broke")
	})
	if err != nil || runs != 2 {
		t.Fatalf("Loop = %v after %d runs, want nil after 2", err, runs)
	}
}

func TestDetachOutlivesCancelWithinGrace(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	work, stop := Detach(ctx, 50*time.Millisecond)
	defer stop()
	cancel()
	if work.Err() != nil {
		t.Fatal("the batch context ended with its parent")
	}
	select {
	case <-work.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the batch context outlived its grace")
	}
}

func TestProducerRemembersFailures(t *testing.T) {
	sent := 0
	p := NewProducerFunc(func(r *kgo.Record, promise func(*kgo.Record, error)) {
		sent++
		if string(r.Key) == "bad" {
			promise(r, errors.New("broker said no"))
			return
		}
		promise(r, nil)
	})
	p.Produce(&kgo.Record{Key: []byte("ok")})
	if p.Err() != nil {
		t.Fatal(p.Err())
	}
	p.Produce(&kgo.Record{Key: []byte("bad")})
	p.Fail(errors.New("encode failed"))
	if err := p.Err(); sent != 2 || err == nil || err.Error() != "broker said no\nencode failed" {
		t.Fatalf("sent %d, err %v", sent, err)
	}
}
