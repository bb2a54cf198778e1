package triggers

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/mie-kafka/mie/events"
)

// Account is the account id the S3 events name.
const Account = "000000000000"

// reason is EventBridge's detail.reason for an S3 event name.
func reason(event string) string {
	switch event {
	case "ObjectCreated:Copy":
		return "CopyObject"
	case "ObjectCreated:CompleteMultipartUpload":
		return "CompleteMultipartUpload"
	case "ObjectCreated:Post":
		return "PostObject"
	}
	return "PutObject"
}

func eventTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// eventBridge is the event as EventBridge delivers S3's Object Created to
// a target (the Step Functions target's input).
func eventBridge(ev *events.ObjectCreated, id, region string) map[string]any {
	object := map[string]any{"key": ev.Key, "size": ev.Size, "etag": ev.ETag, "sequencer": ev.Sequencer}
	if ev.VersionId != "" {
		object["version-id"] = ev.VersionId
	}
	return map[string]any{
		"version": "0", "id": id, "detail-type": "Object Created", "source": "aws.s3",
		"account": Account, "time": ev.Time.UTC().Format(time.RFC3339), "region": region,
		"resources": []any{"arn:aws:s3:::" + ev.Bucket},
		"detail": map[string]any{
			"version": "0", "bucket": map[string]any{"name": ev.Bucket}, "object": object,
			"request-id": ev.RequestId, "requester": Account, "source-ip-address": ev.SourceIP,
			"reason": reason(ev.Event),
		},
	}
}

// notification is S3's event notification message (version 2.1), as a
// bucket notification delivers it to Lambda or SQS. The key is
// URL-encoded, as S3 sends it.
func notification(ev *events.ObjectCreated, rule, region string) map[string]any {
	object := map[string]any{"key": strings.ReplaceAll(url.QueryEscape(ev.Key), "%2F", "/"), "size": ev.Size,
		"eTag": ev.ETag, "sequencer": ev.Sequencer}
	if ev.VersionId != "" {
		object["versionId"] = ev.VersionId
	}
	record := map[string]any{
		"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": region, "eventTime": eventTime(ev.Time),
		"eventName":         ev.Event,
		"userIdentity":      map[string]any{"principalId": Account},
		"requestParameters": map[string]any{"sourceIPAddress": ev.SourceIP},
		"responseElements":  map[string]any{"x-amz-request-id": ev.RequestId, "x-amz-id-2": ev.RequestId},
		"s3": map[string]any{
			"s3SchemaVersion": "1.0", "configurationId": rule,
			"bucket": map[string]any{"name": ev.Bucket, "ownerIdentity": map[string]any{"principalId": Account},
				"arn": "arn:aws:s3:::" + ev.Bucket},
			"object": object,
		},
	}
	return map[string]any{"Records": []any{record}}
}

// document is the event a rule's input is made from, decoded the way
// the data flow reads JSON (numbers as json.Number).
func document(t events.UploadTrigger, ev *events.ObjectCreated, id, region string) (any, error) {
	var doc map[string]any
	if t.EventFormat == events.EventFormatS3 {
		doc = notification(ev, t.Name, region)
	} else {
		doc = eventBridge(ev, id, region)
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	err = dec.Decode(&v)
	return v, err
}
