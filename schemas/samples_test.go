package schemas_test

import (
	"encoding/json"
	"slices"
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

// samples holds realistic payloads of every registered type; together they
// set every field.
func samples() []events.Payload {
	return slices.Concat(mieSamples(), runSamples(), mapRunSamples(), stepFunctionsSamples(), serviceSamples(), notificationSamples(), mediaSamples())
}

// stepFunctionsSamples are the definitions of the Step Functions API:
// state machines, their versions and aliases, and activities.
func stepFunctionsSamples() []events.Payload {
	logging := json.RawMessage(`{"level":"ERROR","includeExecutionData":false,"destinations":[{"cloudWatchLogsLogGroup":{"logGroupArn":"arn:aws:logs:us-east-1:123456789012:log-group:orders:*"}}]}`)
	tracing := json.RawMessage(`{"enabled":true}`)
	encryption := json.RawMessage(`{"type":"AWS_OWNED_KEY"}`)
	tags := []events.Tag{{Key: "team", Value: "orders"}}
	return []events.Payload{
		&events.StateMachineDefined{StateMachine: events.StateMachine{Name: "OrderPipeline", Type: events.TypeStandard,
			Status: events.StateMachineActive, Definition: orderPipeline, RoleArn: "arn:aws:iam::123456789012:role/orders",
			RevisionId: "8c7f0e3a-3d55-4f3e-9a59-0d6b1b7f1e2a", Logging: logging, Tracing: tracing, Encryption: encryption,
			Tags: tags, NextVersion: 2, Publish: true, VersionDescription: "first", Created: created, Updated: created}},
		&events.StateMachineDeleted{Name: "OrderPipeline"},
		&events.StateMachineVersionPublished{Version: events.StateMachineVersion{StateMachine: "OrderPipeline", Version: 1,
			Type: events.TypeStandard, Definition: orderPipeline, RoleArn: "arn:aws:iam::123456789012:role/orders",
			RevisionId: "8c7f0e3a-3d55-4f3e-9a59-0d6b1b7f1e2a", Logging: logging, Tracing: tracing, Encryption: encryption,
			Description: "first", Created: created}},
		&events.StateMachineVersionDeleted{StateMachine: "OrderPipeline", Version: 1},
		&events.StateMachineAliasDefined{Alias: events.StateMachineAlias{StateMachine: "OrderPipeline", Name: "PROD",
			Description: "canary", Routing: []events.AliasRoute{{Version: 1, Weight: 90}, {Version: 2, Weight: 10}},
			Created: created, Updated: created}},
		&events.StateMachineAliasDeleted{StateMachine: "OrderPipeline", Name: "PROD"},
		&events.ActivityDefined{Activity: events.Activity{Name: "ReviewOrder", Topic: "activity.ReviewOrder",
			Encryption: encryption, Tags: tags, Created: created}},
		&events.ActivityDeleted{Name: "ReviewOrder"},
	}
}

// mieSamples are the records of definitions, the data plane, admission and
// MIE executions of the legacy IR.
func mieSamples() []events.Payload {
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
		&events.MetadataStored{AssetId: "a1", OperatorName: "Transcribe", WorkflowId: execID, Page: 1, Final: true,
			Ref: &events.ObjectRef{S3Bucket: "media", S3Key: events.MetadataKey("a1", "Transcribe", "m-3", 1), Size: 4 << 20,
				SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}},
		&events.MetadataDeleted{AssetId: "a1", OperatorName: "Transcribe"},
		&events.AssetDeleted{AssetId: "a1"},
		&events.UploadTriggerDefined{Trigger: events.UploadTrigger{Name: "videos", Prefix: "upload/", Suffix: ".mp4",
			MediaType: "Video", Workflow: "CaptionWorkflow", Created: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)}},
		&events.UploadTriggerDefined{Trigger: events.UploadTrigger{Name: "VideoWorkflowTrigger", Bucket: "video-source", Suffix: ".mov",
			StateMachine: "video-processing", EventFormat: events.EventFormatEventBridge,
			Input:      map[string]any{"jobId.$": "States.UUID()", "bucket.$": "$.detail.bucket.name"},
			Definition: json.RawMessage(`{"StartAt":"Done","States":{"Done":{"Type":"Succeed"}}}`),
			Created:    time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)}},
		&events.UploadTriggerDeleted{Name: "videos"},
		&events.ObjectCreated{Bucket: "video-source", Key: "in/talk.mov", Size: 300000, ETag: "9b2cf535f27731c974343645a3985328",
			VersionId: "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY", ContentType: "video/quicktime", Event: "ObjectCreated:Put",
			Source: events.ObjectSourceS3, RequestId: "8F1E2D3C4B5A6978", SourceIP: "127.0.0.1", Sequencer: "0000018C2B3D4E5F",
			Time: created},
		&events.FunctionDefined{Function: events.Function{Name: "MediaQualityControl", Implementation: "builtin:MediaQualityControl",
			TimeoutSeconds: 900, Environment: map[string]string{"JOBS_TABLE": "video-jobs"}, Description: "checks renditions",
			Version: "2", Created: created, Updated: created}},
		&events.FunctionDeleted{Name: "MediaQualityControl"},
		&events.SegmentStatusChanged{SegmentId: "s1-w003", SessionId: "s1", UserId: "u1", WindowIndex: 3, FrameCount: 30,
			Status: events.SegmentComplete, Previous: events.SegmentPending, Enriched: true, EntityCount: 4, TripleCount: 2},
		&events.SegmentStatusChanged{SegmentId: "s1-w004", SessionId: "s1", UserId: "u1", WindowIndex: 4, FrameCount: 30,
			Status: events.SegmentComplete, Previous: events.SegmentPending, Reason: "re-driven by the reaper",
			Deliveries: 2, Redrives: 1, WorkflowExecutionId: execID, Transcript: "and that is the plan",
			Caption: "a speaker at a whiteboard", Enriched: true, EntityCount: 2, TripleCount: 1, VisualStored: true},
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
		&events.CancelExecution{ExecutionId: execID, Reason: "user asked", Error: "UserAborted", Cause: "stopped from the console"},
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
		&events.ExecutionCancelled{ExecutionId: execID, Reason: "user asked", Error: "UserAborted", Cause: "stopped from the console"},

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

// The States Language runs of the samples: smID's OrderPipeline, a state
// machine started through an alias as the child of another execution, and
// execID's CaptionWorkflow compiled into a program.
const (
	smID       = "0195f2b8-0d41-7c2e-a3f0-6b9d1e2c4a57"
	parentID   = "0195f2b7-ffe0-7a11-8e4d-3c2b1a0f9e8d"
	accountArn = "arn:aws:states:us-east-1:123456789012:"
	token      = "eyJlIjoiMDE5NWYyYjgtMGQ0MS03YzJlLWEzZjAtNmI5ZDFlMmM0YTU3IiwiciI6NCwiYSI6MSwibiI6IjdmM2E5YyJ9"
)

// orderPipeline is an ASL definition: a Lambda task, a Map of callback
// tasks, a Wait and a Succeed.
const orderPipeline = `{"Comment":"validate an order, resize its images, wait for approval","StartAt":"Validate",` +
	`"TimeoutSeconds":86400,"States":{` +
	`"Validate":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",` +
	`"Parameters":{"FunctionName":"validate-order","Payload.$":"$"},"OutputPath":"$.Payload",` +
	`"Retry":[{"ErrorEquals":["Lambda.TooManyRequestsException"],"IntervalSeconds":2,"MaxAttempts":3,"BackoffRate":2}],` +
	`"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Rejected","ResultPath":"$.error"}],"Next":"ResizeAll"},` +
	`"ResizeAll":{"Type":"Map","ItemsPath":"$.images","MaxConcurrency":2,"ToleratedFailureCount":1,` +
	`"ItemProcessor":{"StartAt":"ResizeImage","States":{"ResizeImage":{"Type":"Task",` +
	`"Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken","TimeoutSeconds":300,"HeartbeatSeconds":60,` +
	`"Parameters":{"FunctionName":"resize","Payload":{"key.$":"$.key","token.$":"$$.Task.Token"}},` +
	`"Assign":{"lastKey.$":"$.key"},"End":true}}},"Next":"AwaitApproval"},` +
	`"AwaitApproval":{"Type":"Wait","Seconds":3600,"Next":"Done"},` +
	`"Rejected":{"Type":"Fail","Error":"OrderRejected"},"Done":{"Type":"Succeed"}}}`

// captionProgram is CaptionWorkflow compiled into ASL (internal/workflow).
const captionProgram = `{"StartAt":"defaultPrelimVideoStage","States":{` +
	`"defaultPrelimVideoStage":{"Type":"Parallel","ResultPath":"$.Outputs","Branches":[` +
	`{"StartAt":"defaultPrelimVideoStage:Thumbnail","States":{"defaultPrelimVideoStage:Thumbnail":{"Type":"Task",` +
	`"Resource":"arn:mie:operator:::builtin:Thumbnail","TimeoutSeconds":900,` +
	`"Parameters":{"Name":"Thumbnail","AssetId.$":"$.AssetId","Media.$":"$.Media","MetaData.$":"$.MetaData"},"End":true}}}],` +
	`"Next":"defaultPrelimVideoStage:merge"},` +
	`"defaultPrelimVideoStage:merge":{"Type":"Task","Resource":"arn:mie:function:::mie.MergeStage","End":true}}}`

var smRef = events.RunRef{Run: 4, State: "ResizeImage"}

func runSamples() []events.Payload {
	globals := events.Globals{Media: media(), MetaData: map[string]any{"WorkflowExecutionId": execID}}
	input := json.RawMessage(`{"orderId":"o-1234","images":[{"key":"img/1.png"},{"key":"img/2.png"}]}`)
	smRun := events.Run{
		Name:         "order-1234",
		Arn:          accountArn + "execution:OrderPipeline:order-1234",
		StateMachine: &events.StateMachineRef{Kind: events.KindStateMachine, Name: "OrderPipeline", Arn: accountArn + "stateMachine:OrderPipeline", Version: "3", Alias: "prod"},
		Definition:   json.RawMessage(orderPipeline),
		Type:         "STANDARD",
		RoleArn:      "arn:aws:iam::123456789012:role/order-pipeline",
		Parent:       &events.ParentRef{ExecutionId: parentID, Run: 7, TaskId: "0195f2b8-0c90-7d35-b0a2-5e8f7a6d4c31"},
		RedriveCount: 1,
	}
	workflowRun := events.Run{
		Name:         execID,
		StateMachine: &events.StateMachineRef{Kind: events.KindWorkflow, Name: "CaptionWorkflow", Version: "v2"},
		Definition:   json.RawMessage(captionProgram),
		Type:         "STANDARD",
		Admission:    true,
	}
	resize := events.Invocation{
		Run:              smRef.Run,
		Payload:          json.RawMessage(`{"key":"img/2.png","token":"` + token + `"}`),
		Resource:         "arn:aws:states:::lambda:invoke.waitForTaskToken",
		Function:         "arn:aws:lambda:us-east-1:123456789012:function:resize",
		Token:            token,
		TimeoutSeconds:   300,
		HeartbeatSeconds: 60,
	}
	return []events.Payload{
		&events.StartExecution{
			ExecutionId: smID, Input: input, Trigger: events.Trigger{Source: "api"}, Created: created, Run: smRun,
		},
		&events.StartExecution{
			ExecutionId: execID, Workflow: workflowSnapshot(), AssetId: "a1",
			Input: events.GlobalsInput(globals), Configuration: configuration(),
			Trigger: events.Trigger{Source: "upload", Rule: "*.mp4"}, Created: created, Run: workflowRun,
		},
		&events.ExecutionQueued{
			ExecutionId: smID, Trigger: events.Trigger{Source: "api"}, Created: created, Input: input, Run: smRun,
		},
		&events.ExecutionQueued{
			ExecutionId: execID, Workflow: workflowSnapshot(), AssetId: "a1",
			Configuration: configuration(), Trigger: events.Trigger{Source: "upload", Rule: "*.mp4"}, Created: created,
			Input: events.GlobalsInput(globals), Run: workflowRun,
		},

		&events.StateEntered{RunRef: smRef, Type: "Task", Parent: 2, Slot: 1, Visit: 1,
			Input: json.RawMessage(`{"key":"img/2.png"}`)},
		&events.StateExited{RunRef: events.RunRef{Run: 1, State: "Validate"}, Output: input, Next: "ResizeAll",
			Assigned: map[string]json.RawMessage{"orderId": json.RawMessage(`"o-1234"`)}},
		&events.StateFailed{RunRef: smRef, Error: "States.HeartbeatTimeout", Cause: "no heartbeat for 60 seconds"},
		&events.StateCaught{RunRef: events.RunRef{Run: 1, State: "Validate"}, Error: "Lambda.Unknown",
			Cause: "the function returned an unhandled error", Catcher: 0, Next: "Rejected",
			Output:   json.RawMessage(`{"orderId":"o-1234","error":{"Error":"Lambda.Unknown","Cause":"the function returned an unhandled error"}}`),
			Assigned: map[string]json.RawMessage{"rejected": json.RawMessage(`true`)}},
		&events.MapStarted{RunRef: events.RunRef{Run: 2, State: "ResizeAll"}, Length: 2,
			Items:          json.RawMessage(`[{"key":"img/1.png"},{"key":"img/2.png"}]`),
			MaxConcurrency: 2, ToleratedFailureCount: 1, ToleratedFailurePercentage: 50},

		&events.TaskScheduled{RunRef: smRef, TaskId: "0195f2b8-1a22-7f60-9d4b-0c7e3f5a2b18", Attempt: 2,
			Resource: resize.Resource, Function: resize.Function, Implementation: "https://fn.example.com/resize", Topic: "tasks.http", Payload: resize.Payload,
			TimeoutSeconds: resize.TimeoutSeconds, HeartbeatSeconds: resize.HeartbeatSeconds, Token: token, DelayMs: 4000},
		&events.TaskScheduled{RunRef: events.RunRef{Run: 7, State: "Transcode"}, TaskId: "0195f2b8-1a22-7f60-9d4b-0c7e3f5a2b19", Attempt: 1,
			Resource: "arn:aws:states:::states:startExecution.sync:2", Payload: json.RawMessage(`{"StateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:transcode","Input":{"Key":"in.mp4"}}`),
			Child: "8d1c3f0e-5b2a-5e7d-9a4c-2f6b8e1d3a57"},
		&events.TaskExecuting{RunRef: events.RunRef{Run: 3, State: "defaultPrelimVideoStage:Thumbnail"},
			TaskId: "0195f2b8-2b33-7a01-8c5d-1d8f4a6b3c29", Attempt: 1, CheckAfterMs: 5000,
			MonitorState: json.RawMessage(`{"JobId":"j-9"}`)},
		&events.TaskDeferred{RunRef: events.RunRef{Run: 3, State: "defaultPrelimVideoStage:Thumbnail"},
			TaskId: "0195f2b8-3c44-7b12-9d6e-2e9a5b7c4d3a", Attempt: 1, Phase: events.PhaseStart, Delivery: 2,
			DelayMs: 900000, Reason: "GPU pool unavailable"},
		&events.TaskHeartbeat{RunRef: smRef, TaskId: "0195f2b8-1a22-7f60-9d4b-0c7e3f5a2b18"},
		&events.TaskSucceeded{RunRef: smRef, TaskId: "0195f2b8-1a22-7f60-9d4b-0c7e3f5a2b18", Attempt: 2,
			Output: json.RawMessage(`{"key":"img/2.png","width":1024}`)},
		&events.TaskFailed{RunRef: smRef, TaskId: "0195f2b8-0f11-7e50-8c3a-fb6d2e4a1c07", Attempt: 1,
			Error: "States.Timeout", Cause: "the task ran longer than its TimeoutSeconds"},
		&events.TaskRetrying{RunRef: smRef, Attempt: 1, Error: "States.Timeout",
			Cause: "the task ran longer than its TimeoutSeconds", Retrier: 0, NextAttempt: 2, DelayMs: 4000,
			Due: created.Add(4 * time.Second)},
		&events.TimerScheduled{RunRef: events.RunRef{Run: 6, State: "AwaitApproval"},
			TimerId: "0195f2b8-4d55-7c23-8e7f-3fab6c8d5e4b", Due: created.Add(time.Hour)},
		&events.ExecutionCompleted{ExecutionId: smID, Output: json.RawMessage(`{"orderId":"o-1234","approved":true}`)},
		&events.ExecutionTimedOut{ExecutionId: smID, Error: "States.Timeout",
			Cause: "the execution ran longer than its TimeoutSeconds"},

		&events.RedriveExecution{ExecutionId: execID, QueuedOffset: 1207},
		&events.RedriveExecution{ExecutionId: execID, QueuedAt: time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC)},
		&events.ExecutionRedriven{ExecutionId: execID, RedriveCount: 1},
		&events.ChildExecutionEnded{ExecutionId: execID, Run: 4, TaskId: "0195f2b8-1a22-7f60-9d4b-0c7e3f5a2b18",
			Child: "0195f2c0-0000-7000-8000-000000000001", ChildArn: "arn:aws:states:us-east-1:123456789012:execution:child:run-1",
			Status: "FAILED", Output: json.RawMessage(`{"ok":false}`), Error: "Broken", Cause: "the child failed",
			Started: created, Stopped: created.Add(time.Minute)},
		&events.TaskTokenAnswered{ExecutionId: smID, Token: token, Outcome: events.TokenSuccess,
			Output: json.RawMessage(`{"key":"img/2.png","width":1024}`)},
		&events.TaskTokenAnswered{ExecutionId: smID, Token: token, Outcome: events.TokenFailure,
			Error: "ImageTooLarge", Cause: "img/2.png is 80 MB"},
		&events.TaskTokenAnswered{ExecutionId: smID, Token: token, Outcome: events.TokenHeartbeat},
		&events.TimerFired{ExecutionId: smID, Kind: events.TimerWake, Path: "AwaitApproval",
			TaskId: "0195f2b8-4d55-7c23-8e7f-3fab6c8d5e4b", Run: 6},

		// The task of smRef's attempt 2, as the executor sends it, and the
		// worker's answer.
		&events.OperatorTaskRequest{
			Name: "arn:aws:lambda:us-east-1:123456789012:function:resize", WorkflowExecutionId: smID,
			Path: "ResizeImage", TaskId: "0195f2b8-1a22-7f60-9d4b-0c7e3f5a2b18", Attempt: 2, Delivery: 1,
			Phase: events.PhaseStart, Invocation: resize,
		},
		&events.OperatorResult{
			WorkflowExecutionId: smID, Name: "arn:aws:lambda:us-east-1:123456789012:function:resize",
			Path: "ResizeImage", TaskId: "0195f2b8-1a22-7f60-9d4b-0c7e3f5a2b18", Attempt: 2, Phase: events.PhaseStart,
			Status: events.ResultComplete, Run: smRef.Run, Output: json.RawMessage(`{"key":"img/2.png","width":1024}`),
		},
	}
}
