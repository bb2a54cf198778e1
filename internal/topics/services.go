package topics

import "time"

// The topics of the AWS service integrations (docs/tables.md,
// docs/notifications.md).

// Resources holds the definitions the integrations serve: tables,
// notification topics and their subscriptions. One partition, kept
// forever and never compacted: a definition's outcome depends on the
// records before it (of two creations of one name, the first wins), which
// compaction would reorder.
func (c Catalog) Resources() string { return c.name("resources") }

// Tables holds the tables' items, one key per item, each record the
// item's whole new image or its deletion: compacted.
func (c Catalog) Tables() string { return c.name("tables") }

// TableRequests carries item operations to the tables processor, keyed
// like the item (so on the item's Tables partition).
func (c Catalog) TableRequests() string { return c.name("table-requests") }

// TableReplies carries the processor's answers to API instances, keyed by
// the instance's reply id.
func (c Catalog) TableReplies() string { return c.name("table-replies") }

// Notifications holds what sns:publish published, keyed by topic ARN.
func (c Catalog) Notifications() string { return c.name("notifications") }

// EventBus holds what events:putEvents put, keyed by event bus name.
func (c Catalog) EventBus() string { return c.name("event-bus") }

// ServiceSpecs returns the integrations' topics.
func (c Catalog) ServiceSpecs() []Spec {
	days := func(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
	return []Spec{
		{Name: c.Resources(), Partitions: 1},
		{Name: c.Tables(), Partitions: c.Partitions, Compact: true},
		{Name: c.TableRequests(), Partitions: c.Partitions, Retention: days(7)},
		{Name: c.TableReplies(), Partitions: c.Partitions, Retention: days(1)},
		{Name: c.Notifications(), Partitions: c.Partitions, Retention: days(7)},
		{Name: c.EventBus(), Partitions: c.Partitions, Retention: days(7)},
	}
}
