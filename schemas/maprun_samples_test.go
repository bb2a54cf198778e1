package schemas_test

import (
	"encoding/json"
	"time"

	"github.com/mie-kafka/mie/events"
)

// A distributed Map over a CSV file of photos: map run mapRunID of
// smID's Map run 3, its children, its results files.
const (
	mapRunID  = "7c1d2a9e-3b4f-5e60-8a71-92b3c4d5e6f7"
	mapRunArn = accountArn + "mapRun:OrderPipeline/Photos:" + mapRunID
	childID   = "a0b1c2d3-e4f5-5a6b-8c7d-8e9f0a1b2c3d"
)

const photosMap = `{"StartAt":"ResizeAll","States":{"ResizeAll":{"Type":"Map","Label":"Photos","End":true,` +
	`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW","MaxItems":500},` +
	`"Parameters":{"Bucket":"media","Key.$":"$.photos"}},"ItemSelector":{"key.$":"$$.Map.Item.Value.key","order.$":"$.orderId"},` +
	`"ItemBatcher":{"MaxItemsPerBatch":10,"BatchInput":{"order.$":"$.orderId"}},` +
	`"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"results","Prefix":"photos"}},` +
	`"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"Resize",` +
	`"States":{"Resize":{"Type":"Pass","End":true}}}}}}`

func mapRunSpec() events.MapRunSpec {
	count, pct := int64(5), 2.5
	return events.MapRunSpec{
		MapRunId: mapRunID, MapRunArn: mapRunArn,
		Parent:     events.MapRunParent{ExecutionId: smID, Run: 3, Attempt: 2},
		AssetId:    "a1",
		Definition: json.RawMessage(photosMap),
		StateMachine: events.StateMachineRef{Kind: events.KindStateMachine, Name: "OrderPipeline/Photos",
			Arn: accountArn + "stateMachine:OrderPipeline/Photos"},
		ExecutionType: "EXPRESS",
		Input:         json.RawMessage(`{"orderId":"o-1234","photos":"orders/o-1234/photos.csv"}`),
		Context:       json.RawMessage(`{"Execution":{"Id":"` + accountArn + `execution:OrderPipeline:order-1234","Name":"order-1234"}}`),
		Variables:     map[string]json.RawMessage{"customer": json.RawMessage(`"c-9"`)},
		Items:         json.RawMessage(`[{"key":"img/1.png"}]`),
		Reader: &events.MapRunReader{Resource: "arn:aws:states:::s3:getObject", Bucket: "media", Key: "orders/o-1234/photos.csv",
			Prefix: "orders/", VersionId: "v-3", InputType: "CSV", CSVHeaderLocation: "GIVEN", CSVHeaders: []string{"key", "width"},
			CSVDelimiter: "SEMICOLON", ManifestType: "S3_INVENTORY", MaxItems: 500},
		Writer:                &events.MapRunWriter{Bucket: "results", Prefix: "photos", OutputType: "JSONL", Transformation: "COMPACT"},
		Batched:               true,
		BatchInput:            json.RawMessage(`{"order":"o-1234"}`),
		MaxItemsPerBatch:      10,
		MaxInputBytesPerBatch: 65536,
		MaxConcurrency:        100,
		ToleratedFailureCount: &count, ToleratedFailurePercentage: &pct,
	}
}

// mapRunSamples are the commands and events of a map run.
func mapRunSamples() []events.Payload {
	counts := events.MapRunCounts{Pending: 1, Running: 2, Succeeded: 40, Failed: 3, TimedOut: 1, Aborted: 2, Total: 49, ResultsWritten: 43}
	return []events.Payload{
		&events.StartMapRun{MapRunSpec: mapRunSpec()},
		&events.MapRunCreated{MapRunSpec: mapRunSpec()},
		&events.MapRunStarted{RunRef: events.RunRef{Run: 3, State: "ResizeAll"}, MapRunId: mapRunID, MapRunArn: mapRunArn},
		&events.AbortMapRun{MapRunId: mapRunID, Reason: "the parent execution was stopped"},
		&events.MapRunEnded{ExecutionId: smID, Run: 3, MapRunId: mapRunID, MapRunArn: mapRunArn, Status: "FAILED",
			Output: json.RawMessage(`[]`), Error: "States.ExceedToleratedFailureThreshold", Cause: "6 of 49 items failed"},
		&events.MapRunTaskScheduled{MapRunId: mapRunID, TaskId: "0195f2c1-0000-7000-8000-000000000001", Kind: events.MapRunTaskWrite,
			Page: 2, Status: "SUCCEEDED", Part: 1, Entries: 40, Key: "photos/" + mapRunID + "/SUCCEEDED_1.jsonl"},
		&events.MapRunPageRead{MapRunId: mapRunID, TaskId: "0195f2c1-0000-7000-8000-000000000002", Page: 0, Count: 2,
			Items: json.RawMessage(`[{"key":"img/1.png","width":"800"},{"key":"img/2.png","width":"640"}]`), Cursor: "120:3", Done: true},
		&events.MapRunChildrenStarted{MapRunId: mapRunID, First: 4, Count: 2, Items: []int{10, 7}},
		&events.MapRunChildEnded{MapRunId: mapRunID, Child: 4, ChildId: childID, Status: "FAILED",
			Input: json.RawMessage(`{"BatchInput":{"order":"o-1234"},"Items":[{"key":"img/1.png"}]}`), Output: json.RawMessage(`{}`),
			Error: "Resize.Failed", Cause: "img/1.png is not an image", Started: created, Stopped: created.Add(time.Second)},
		&events.MapRunResultsWritten{MapRunId: mapRunID, TaskId: "0195f2c1-0000-7000-8000-000000000001", Kind: events.MapRunTaskWrite,
			Status: "SUCCEEDED", Part: 1, Entries: 40, Key: "photos/" + mapRunID + "/SUCCEEDED_1.jsonl", Size: 18211},
		&events.MapRunFailing{MapRunId: mapRunID, Error: "States.ExceedToleratedFailureThreshold", Cause: "6 of 49 items failed"},
		&events.MapRunSucceeded{MapRunId: mapRunID, ItemCounts: counts, ExecutionCounts: counts,
			Output: json.RawMessage(`{"MapRunArn":"` + mapRunArn + `","ResultWriterDetails":{"Bucket":"results","Key":"photos/` + mapRunID + `/manifest.json"}}`)},
		&events.MapRunFailed{MapRunId: mapRunID, Error: "States.ItemReaderFailed", Cause: "media/orders/o-1234/photos.csv: line 3: bad quote",
			ItemCounts: counts, ExecutionCounts: counts},
		&events.MapRunAborted{MapRunId: mapRunID, Reason: "the parent execution was stopped", ItemCounts: counts, ExecutionCounts: counts},
		&events.ChildExecutionEnded{ExecutionId: mapRunID, Run: 4, TaskId: mapRunID, Child: childID,
			ChildArn: accountArn + "execution:OrderPipeline/Photos:" + childID, Status: "SUCCEEDED",
			Input: json.RawMessage(`{"key":"img/1.png"}`), Output: json.RawMessage(`{"ok":true}`), Started: created, Stopped: created},
		&events.StartExecution{ExecutionId: childID, AssetId: "a1", Input: json.RawMessage(`{"key":"img/1.png"}`),
			Trigger: events.Trigger{Source: "maprun"}, Created: created, Run: events.Run{Name: childID,
				Definition: json.RawMessage(`{"StartAt":"Resize","States":{"Resize":{"Type":"Pass","End":true}}}`), Type: "EXPRESS",
				Parent: &events.ParentRef{ExecutionId: mapRunID, Run: 4, TaskId: mapRunID, MapRun: true}}},
	}
}
