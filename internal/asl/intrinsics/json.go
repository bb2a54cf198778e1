package intrinsics

import (
	"encoding/json"
	"strings"

	"github.com/mie-kafka/mie/internal/asl/jsonvalue"
)

// States.StringToJson(string): the JSON value the string holds (blanks
// around it allowed). AWS returns null for an empty string.
func evalStringToJSON(c *Call, _ Env, args []any) (any, error) {
	s, ok := args[0].(string)
	if !ok {
		return nil, c.failArg(0, "must be a string, not %s", kind(args[0]))
	}
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, c.failArg(0, "is not JSON text: %v", err)
	}
	if strings.TrimSpace(s[d.InputOffset():]) != "" {
		return nil, c.failArg(0, "is not JSON text: more follows the value")
	}
	return v, nil
}

// States.JsonToString(value): the value's compact JSON text.
func evalJSONToString(c *Call, _ Env, args []any) (any, error) {
	s, err := jsonvalue.Marshal(args[0])
	if err != nil {
		return nil, c.failArg(0, "is not JSON: %v", err)
	}
	return s, nil
}

// States.JsonMerge(left, right, deep): left's members with right's added
// over them. Only the shallow merge exists: AWS rejects true for deep (and
// treats any other value as false).
func evalJSONMerge(c *Call, _ Env, args []any) (any, error) {
	var objs [2]map[string]any
	for i := range objs {
		m, ok := args[i].(map[string]any)
		if !ok {
			return nil, c.failArg(i, "must be an object, not %s", kind(args[i]))
		}
		objs[i] = m
	}
	if deep, _ := args[2].(bool); deep {
		return nil, c.failArg(2, "(deep merge) must be false; only a shallow merge is supported")
	}
	out := make(map[string]any, len(objs[0])+len(objs[1]))
	for _, m := range objs {
		for k, v := range m {
			out[k] = v
		}
	}
	return out, nil
}
