package tables

import (
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mie-kafka/mie/events"
)

// Change is one record of the tables topic, decoded: the item's record
// key, its table incarnation, and its new image (nil: deleted).
type Change struct {
	Key       string
	TableName string
	TableID   string
	Item      Item
}

// ChangeOf decodes a tables topic record. Both the tables processor's
// rebuild and the projections fold with it.
func ChangeOf(r *kgo.Record) (Change, error) {
	env, p, err := events.DecodeRecord(r)
	if err != nil {
		return Change{}, err
	}
	c := Change{Key: string(r.Key)}
	switch e := p.(type) {
	case *events.ItemWritten:
		c.TableName, c.TableID = e.TableName, e.TableId
		if c.Item, err = DecodeItem(e.Item); err != nil {
			return Change{}, fmt.Errorf("%s/%d@%d: the item: %w", r.Topic, r.Partition, r.Offset, err)
		}
		if len(c.Item) == 0 {
			return Change{}, fmt.Errorf("%s/%d@%d: an ItemWritten without an item", r.Topic, r.Partition, r.Offset)
		}
	case *events.ItemDeleted:
		c.TableName, c.TableID = e.TableName, e.TableId
	default:
		return Change{}, fmt.Errorf("%s/%d@%d: unexpected %s on the tables topic", r.Topic, r.Partition, r.Offset, env.Type)
	}
	return c, nil
}
