package broker

import (
	"context"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// DeleteTopicsWithPrefix deletes every topic whose name starts with
// prefix (a test's or a load run's own topics) and returns their names.
func DeleteTopicsWithPrefix(ctx context.Context, cfg Config, prefix string) ([]string, error) {
	if prefix == "" {
		return nil, fmt.Errorf("delete topics: refusing an empty prefix (it would name every topic)")
	}
	cl, err := kgo.NewClient(cfg.Opts()...)
	if err != nil {
		return nil, fmt.Errorf("delete topics: %w", err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	listed, err := adm.ListTopics(ctx)
	if err != nil {
		return nil, fmt.Errorf("delete topics: %w", err)
	}
	var names []string
	for _, name := range listed.Names() {
		if strings.HasPrefix(name, prefix) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil, nil
	}
	res, err := adm.DeleteTopics(ctx, names...)
	if err == nil {
		err = res.Error()
	}
	if err != nil {
		return names, fmt.Errorf("delete topics %v: %w", names, err)
	}
	return names, nil
}
