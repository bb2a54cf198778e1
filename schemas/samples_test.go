package schemas_test

import (
	"encoding/json"
	"time"

	"github.com/mie-kafka/mie/events"
)

var created = time.Date(2026, 3, 14, 9, 26, 53, 589793238, time.UTC)

const execID = "0195f2a4-5c3e-7d10-9c1b-2f4e8a6b1c3d"

func media() map[string]events.MediaObject {
	return map[string]events.MediaObject{
		"Video": {S3Bucket: "media", S3Key: "private/assets/a1/input/talk.mp4"},
		"Audio": {S3Bucket: "media", S3Key: "private/assets/a1/workflows/" + execID + "/talk.wav"},
	}
}

// machine is what the compiler makes of a two-stage MIE workflow: each stage
// a Parallel state whose branches are one operator Task each.
func machine() events.Machine {
	task := func(stage, name, impl, topic string) events.Machine {
		return events.Machine{StartAt: name, States: map[string]*events.State{
			name: {
				Type:           events.StateTask,
				End:            true,
				Resource:       impl,
				TimeoutSeconds: 900,
				Operator: &events.OperatorTask{
					Name: name, Stage: stage, Type: "Async", Implementation: impl, Topic: topic,
					Configuration: map[string]any{"MediaType": "Video", "Enabled": true},
				},
				Retry: []events.Retrier{{
					ErrorEquals: []string{"States.Timeout", "MasExecutionError"}, IntervalSeconds: 1,
					MaxAttempts: 3, BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: "FULL",
				}},
				Catch:      []events.Catcher{{ErrorEquals: []string{"States.ALL"}, Next: "Failed", ResultPath: "$.Error"}},
				InputPath:  "$",
				OutputPath: "$.Outputs",
				ResultPath: "$.Result",
				Parameters: map[string]any{"AssetId.$": "$.AssetId"},
			},
			"Failed": {Type: events.StateFail, Error: "OperatorFailed", Cause: "operator " + name + " failed"},
		}}
	}
	return events.Machine{
		Comment: "compiled from workflow CaptionWorkflow v2",
		StartAt: "defaultPrelimVideoStage",
		States: map[string]*events.State{
			"defaultPrelimVideoStage": {
				Type:  events.StateParallel,
				Stage: "defaultPrelimVideoStage",
				Next:  "WaitForReview",
				Branches: []events.Machine{
					task("defaultPrelimVideoStage", "Thumbnail", "builtin:Thumbnail", "tasks.builtin.Thumbnail"),
					task("defaultPrelimVideoStage", "Mediainfo", "https://ops.example.com/mediainfo", "tasks.http"),
				},
			},
			"WaitForReview": {Type: events.StateWait, Seconds: 30, Next: "Normalize"},
			"Normalize":     {Type: events.StatePass, Comment: "reshape", Parameters: map[string]any{"x": 1}, Next: "Done"},
			"Done":          {Type: events.StateSucceed},
		},
	}
}

func workflowSnapshot() events.ExecutionWorkflow {
	return events.ExecutionWorkflow{
		Name: "CaptionWorkflow", StartAt: "defaultPrelimVideoStage", Version: "v2", Id: "wf-7",
		Stages: map[string]events.ExecutionStage{
			"defaultPrelimVideoStage": {
				Name: "defaultPrelimVideoStage", Operations: []string{"Thumbnail", "Mediainfo"},
				Configuration: map[string]map[string]any{"Thumbnail": {"Enabled": true, "MediaType": "Video"}},
				Next:          "WaitForReview",
			},
			"WaitForReview": {Name: "WaitForReview", Operations: []string{"Wait"}, Configuration: nil, End: true},
		},
	}
}

func configuration() events.Configuration {
	return events.Configuration{"defaultPrelimVideoStage": {"Thumbnail": {"Enabled": false}}}
}

// samples holds one realistic payload per registered type, every field set.
func samples() []events.Payload {
	globals := events.Globals{Media: media(), MetaData: map[string]any{"WorkflowExecutionId": execID, "Duration": 93.4}}
	return []events.Payload{
		&events.AdmissionRequested{ExecutionId: execID},
		&events.SlotReleased{ExecutionId: execID, Reason: "ExecutionCompleted"},
		&events.ConcurrencyLimitSet{MaxConcurrentWorkflows: 10},
		&events.AssetCreated{AssetId: "a1", MediaType: "Video", S3Bucket: "media", S3Key: "upload/talk.mp4"},
		&events.MediaObjectAdded{AssetId: "a1", MediaType: "Audio", S3Bucket: "media",
			S3Key: "private/assets/a1/workflows/" + execID + "/talk.wav", OperatorName: "ExtractAudio", WorkflowExecutionId: execID},
		&events.MetadataStored{AssetId: "a1", OperatorName: "Transcribe", WorkflowId: execID, Page: 0, Final: true,
			Results: []byte(`{"Text":"hello"}`)},
		&events.MetadataDeleted{AssetId: "a1", OperatorName: "Transcribe"},
		&events.AssetDeleted{AssetId: "a1"},
		&events.UploadTriggerDefined{Trigger: events.UploadTrigger{Name: "videos", Prefix: "upload/", Suffix: ".mp4",
			MediaType: "Video", Workflow: "CaptionWorkflow", Created: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)}},
		&events.UploadTriggerDeleted{Name: "videos"},
		&events.SegmentStatusChanged{SegmentId: "s1-w003", SessionId: "s1", UserId: "u1", WindowIndex: 3, FrameCount: 30,
			Status: events.SegmentComplete, Previous: events.SegmentPending, Enriched: true, EntityCount: 4, TripleCount: 2},
		&events.AdmissionSlot{ExecutionId: execID, State: "Running", Seq: 41},
		&events.ExecutorCheckpoint{Partition: 3, Floor: 1207, Written: time.Date(2026, 11, 21, 22, 0, 0, 0, time.UTC)},
		&events.AdmissionLimit{MaxConcurrentWorkflows: 10, NextSeq: 42},

		&events.OperatorDefined{Operator: events.Operator{
			Name: "Thumbnail", Type: "Async",
			Configuration:                map[string]any{"MediaType": "Video", "Enabled": true},
			StartLambdaArn:               "builtin:Thumbnail",
			MonitorLambdaArn:             "builtin:Thumbnail",
			StateMachineExecutionRoleArn: "unused",
			StageName:                    "ThumbnailStage",
			Description:                  "thumbnails every 10s",
			Version:                      "v1", Id: "op-1", Created: created,
		}},
		&events.OperatorDeleted{Name: "Thumbnail"},
		&events.StageDefined{Stage: events.Stage{
			Name: "defaultPrelimVideoStage", Operations: []string{"Thumbnail", "Mediainfo"},
			Configuration: map[string]map[string]any{"Thumbnail": {"Enabled": true}},
			Description:   "first look", Version: "v1", Id: "st-1", Created: created,
		}},
		&events.StageDeleted{Name: "defaultPrelimVideoStage"},
		&events.WorkflowDefined{Workflow: events.Workflow{
			Name: "CaptionWorkflow", StartAt: "defaultPrelimVideoStage",
			Stages: map[string]events.WorkflowStage{
				"defaultPrelimVideoStage": {Next: "WaitForReview"},
				"WaitForReview":           {End: true},
			},
			Description: "captions", Version: "v2", Id: "wf-7", Created: created,
		}},
		&events.WorkflowDeleted{Name: "CaptionWorkflow"},
		&events.SystemConfigured{MaxConcurrentWorkflows: 5},

		&events.StartExecution{
			ExecutionId: execID, Workflow: workflowSnapshot(), Machine: machine(), AssetId: "a1",
			Input: events.GlobalsInput(globals), Configuration: configuration(),
			Trigger: events.Trigger{Source: "upload", Rule: "*.mp4"}, Created: created,
		},
		&events.AdmitExecution{ExecutionId: execID},
		&events.CancelExecution{ExecutionId: execID, Reason: "user asked"},
		&events.ResumeExecution{ExecutionId: execID, WaitingStageName: "WaitForReview"},
		&events.TimerFired{ExecutionId: execID, Kind: events.TimerOperatorTimeout,
			Path: "defaultPrelimVideoStage/0/Thumbnail", TaskId: "t-1"},

		&events.ExecutionQueued{
			ExecutionId: execID, Workflow: workflowSnapshot(), Machine: machine(), AssetId: "a1",
			Globals: globals, Configuration: configuration(),
			Trigger: events.Trigger{Source: "api"}, Created: created,
		},
		&events.ExecutionStarted{ExecutionId: execID},
		&events.StageStarted{Path: "defaultPrelimVideoStage", Stage: "defaultPrelimVideoStage"},
		&events.OperatorSkipped{Path: "defaultPrelimVideoStage/1/Mediainfo", Stage: "defaultPrelimVideoStage",
			Operator: "Mediainfo", Reason: "disabled"},
		&events.OperatorDispatched{Path: "defaultPrelimVideoStage/0/Thumbnail", Stage: "defaultPrelimVideoStage",
			Operator: "Thumbnail", TaskId: "t-1", Attempt: 1, Phase: events.PhaseStart, Topic: "tasks.builtin.Thumbnail",
			Delivery: 2, DelayMs: 900000},
		&events.OperatorExecuting{Path: "defaultPrelimVideoStage/0/Thumbnail", Stage: "defaultPrelimVideoStage",
			Operator: "Thumbnail", TaskId: "t-1", Attempt: 1, CheckAfterMs: 5000,
			MonitorState: json.RawMessage(`{"JobId":"j-9","Frames":[1,2]}`)},
		&events.OperatorWaiting{Path: "WaitForReview/0/Wait", Stage: "WaitForReview", Operator: "Wait"},
		&events.OperatorCompleted{Path: "defaultPrelimVideoStage/0/Thumbnail", Stage: "defaultPrelimVideoStage",
			Operator: "Thumbnail", TaskId: "t-1", Attempt: 2, Media: media(), MetaData: map[string]any{"Count": 9}},
		&events.OperatorRetrying{Path: "defaultPrelimVideoStage/0/Thumbnail", Stage: "defaultPrelimVideoStage",
			Operator: "Thumbnail", TaskId: "t-1", Attempt: 1, Error: "States.Timeout", Cause: "ran longer than 1h",
			Retrier: 0, NextAttempt: 2, DelayMs: 2000, Due: created.Add(2 * time.Second)},
		&events.OperatorDeferred{Path: "defaultPrelimVideoStage/0/Thumbnail", Stage: "defaultPrelimVideoStage",
			Operator: "Thumbnail", TaskId: "t-1", Attempt: 1, Phase: events.PhaseStart, Delivery: 1, DelayMs: 900000,
			Due: created.Add(15 * time.Minute), Reason: "GPU pool unavailable"},
		&events.OperatorFailed{Path: "defaultPrelimVideoStage/0/Thumbnail", Stage: "defaultPrelimVideoStage",
			Operator: "Thumbnail", TaskId: "t-1", Attempt: 3, Error: "MasExecutionError", Cause: "ffmpeg exited 1"},
		&events.StageCompleted{Path: "defaultPrelimVideoStage", Stage: "defaultPrelimVideoStage",
			Media: media(), MetaData: map[string]any{"Thumbnail": map[string]any{"Count": 9}}},
		&events.StageFailed{Path: "defaultPrelimVideoStage", Stage: "defaultPrelimVideoStage",
			Error: "OperatorFailed", Cause: "Thumbnail failed"},
		&events.ExecutionWaiting{Stage: "WaitForReview"},
		&events.ExecutionResumed{Stage: "WaitForReview"},
		&events.ExecutionCompleted{ExecutionId: execID},
		&events.ExecutionFailed{ExecutionId: execID, Error: "StageFailed", Cause: "defaultPrelimVideoStage failed"},
		&events.ExecutionCancelled{ExecutionId: execID, Reason: "user asked"},

		&events.OperatorTaskRequest{
			Name: "Thumbnail", AssetId: "a1", WorkflowExecutionId: execID,
			Input:         events.OperatorInput{Media: media(), MetaData: map[string]any{"Duration": 93.4}},
			Configuration: map[string]any{"MediaType": "Video", "Enabled": true},
			StageName:     "defaultPrelimVideoStage", Type: "Async", Implementation: "builtin:Thumbnail",
			Path: "defaultPrelimVideoStage/0/Thumbnail", TaskId: "t-1", Attempt: 1, Delivery: 2, Phase: events.PhaseMonitor,
			MonitorState: json.RawMessage(`{"JobId":"j-9"}`),
		},
		&events.OperatorResult{
			WorkflowExecutionId: execID, Name: "Thumbnail", StageName: "defaultPrelimVideoStage",
			Path: "defaultPrelimVideoStage/0/Thumbnail", TaskId: "t-1", Attempt: 1, Phase: events.PhaseMonitor,
			Status: events.ResultExecuting, Media: media(), MetaData: map[string]any{"Progress": 0.5},
			Error: "none", Cause: "none", MonitorState: json.RawMessage(`"j-9"`), CheckAfterMs: 2000,
		},
		&events.OperatorResult{
			WorkflowExecutionId: execID, Name: "Thumbnail", StageName: "defaultPrelimVideoStage",
			Path: "defaultPrelimVideoStage/0/Thumbnail", TaskId: "t-2", Attempt: 1, Phase: events.PhaseStart,
			Status: events.ResultDeferred, Delivery: 1, DeferMs: 900000, Reason: "GPU pool unavailable",
		},
	}
}
