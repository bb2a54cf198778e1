package projector

import (
	chconn "github.com/mie-kafka/mie/internal/clickhouse"

	"context"
	"fmt"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/deadletter"
	"github.com/mie-kafka/mie/internal/topics"
)

// Tables is the projection of the tables topic (the tables' items,
// docs/tables.md) into table_items: each record is the item's whole new
// image or its deletion, so it becomes one row on its own, keyed by table
// and item.
var Tables = Definition{
	Name:   chconn.ProjectionTables,
	Topic:  topics.Catalog.Tables,
	Tables: []string{"table_items"},
	New:    func() Folder { return itemsFolder{} },
}

type itemsFolder struct{}

func (itemsFolder) Load(context.Context, StateSource, []Record) error { return nil }
func (itemsFolder) Reset()                                            {}

func (itemsFolder) Fold(recs []Record, gen uint32, out *chconn.Rows) []Bad {
	var bad []Bad
	idx := map[string]int{}
	for _, r := range recs {
		row := chconn.TableItemRow{ItemKey: r.Env.Key, Updated: r.Env.Time.UTC(), Partition: r.Partition, Offset: r.Offset,
			Version: chconn.Version(gen, r.Offset)}
		switch e := r.Payload.(type) {
		case *events.ItemWritten:
			row.TableName, row.TableId, row.Key, row.Item, row.Operation, row.RequestId = e.TableName, e.TableId, e.Key, e.Item, e.Operation, e.RequestId
		case *events.ItemDeleted:
			row.TableName, row.TableId, row.Key, row.Deleted, row.Operation, row.RequestId = e.TableName, e.TableId, e.Key, true, e.Operation, e.RequestId
			row.Item = []byte("{}")
		default:
			bad = append(bad, Bad{Record: r, Reason: deadletter.ReasonUnexpectedType, Err: fmt.Errorf("%s is not an item event", r.Env.Type)})
			continue
		}
		if row.TableName == "" || row.TableId == "" {
			bad = append(bad, Bad{Record: r, Reason: deadletter.ReasonInvalid, Err: fmt.Errorf("%w: TableName and TableId", errMissingField)})
			continue
		}
		k := row.TableName + "\x00" + row.ItemKey
		if i, ok := idx[k]; ok {
			out.TableItems[i] = row
		} else {
			idx[k] = len(out.TableItems)
			out.TableItems = append(out.TableItems, row)
		}
	}
	return bad
}
