package workflow

import (
	"fmt"
	"maps"

	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/asl/jsonvalue"
)

// MergeStage is the built-in that ends an MIE stage (the S:merge state):
// its input is the execution's {AssetId, WorkflowExecutionId, Media,
// MetaData} with the stage's operator outputs in Outputs; its output is
// the same with every Complete operator's Media and MetaData merged in, a
// later stage's values replacing an earlier one's. Two operators of the
// stage giving one key different values fail it, as MIE does.
func MergeStage(payload any) (any, error) {
	in, _ := payload.(map[string]any)
	media := object(in["Media"])
	meta := object(in["MetaData"])
	outputs, _ := in["Outputs"].([]any)
	stageMedia, stageMeta := map[string]any{}, map[string]any{}
	mediaFrom, metaFrom := map[string]string{}, map[string]string{}
	for _, o := range outputs {
		out := object(o)
		if out["Status"] != "Complete" {
			continue
		}
		name, _ := out["Name"].(string)
		if err := mergeInto(stageMedia, mediaFrom, object(out["Media"]), name, "Media"); err != nil {
			return nil, err
		}
		if err := mergeInto(stageMeta, metaFrom, object(out["MetaData"]), name, "MetaData"); err != nil {
			return nil, err
		}
	}
	maps.Copy(media, stageMedia)
	maps.Copy(meta, stageMeta)
	return map[string]any{"AssetId": in["AssetId"], "WorkflowExecutionId": in["WorkflowExecutionId"],
		"Media": media, "MetaData": meta}, nil
}

func mergeInto(dst map[string]any, from map[string]string, src map[string]any, op, what string) error {
	for k, v := range src {
		if prev, dup := dst[k]; dup && !jsonvalue.Equal(prev, v) {
			// MIE's message is the error itself: the execution's Message.
			return &failure.Error{Name: fmt.Sprintf("duplicate %s key %q from operators %s and %s", what, k, from[k], op)}
		}
		dst[k], from[k] = v, op
	}
	return nil
}

// object returns v as an object, a fresh empty one when it is not.
func object(v any) map[string]any {
	if m, ok := v.(map[string]any); ok {
		return maps.Clone(m)
	}
	return map[string]any{}
}
