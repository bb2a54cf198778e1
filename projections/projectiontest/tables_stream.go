package projectiontest

import (
	"encoding/json"
	"time"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/topics"
)

// Tables is a stream of the tables topic: a job written, updated twice
// and read back, another job written and deleted, and an item of a table
// created again under its name (another TableId).
func Tables() Stream {
	var evs []Event
	c := &clock{t: T0}
	write := func(table, id, job, item string) {
		key := `{"JobId":{"S":"` + job + `"}}`
		evs = append(evs, Event{Key: table + "/" + key, Time: c.after(time.Second), Payload: &events.ItemWritten{
			TableName: table, TableId: id, Key: json.RawMessage(key), Item: json.RawMessage(item),
			Operation: "UpdateItem", RequestId: "req-" + job}})
	}
	del := func(table, id, job string) {
		key := `{"JobId":{"S":"` + job + `"}}`
		evs = append(evs, Event{Key: table + "/" + key, Time: c.after(time.Second), Payload: &events.ItemDeleted{
			TableName: table, TableId: id, Key: json.RawMessage(key), Operation: "DeleteItem", RequestId: "req-del-" + job}})
	}
	write("jobs", "t-1", "j-1", `{"JobId":{"S":"j-1"},"JobStatus":{"S":"STARTED"}}`)
	write("jobs", "t-1", "j-2", `{"JobId":{"S":"j-2"},"JobStatus":{"S":"STARTED"}}`)
	write("jobs", "t-1", "j-1", `{"JobId":{"S":"j-1"},"JobStatus":{"S":"FAILED_PROCESSING"},"ErrorDetails":{"S":"ffprobe failed"}}`)
	del("jobs", "t-1", "j-2")
	write("jobs", "t-1", "j-1", `{"JobId":{"S":"j-1"},"JobStatus":{"S":"PUBLISHED"},"Attempts":{"N":"2"}}`)
	write("renditions", "t-2", "j-1", `{"JobId":{"S":"j-1"},"Heights":{"NS":["720","1080"]}}`)
	write("renditions", "t-3", "j-1", `{"JobId":{"S":"j-1"},"Heights":{"NS":["480"]}}`)
	return Stream{Name: "tables", Topic: topics.Catalog.Tables, Events: evs}
}
