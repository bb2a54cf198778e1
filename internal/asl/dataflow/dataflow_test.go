package dataflow_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/mie-kafka/mie/internal/asl/dataflow"
	"github.com/mie-kafka/mie/internal/asl/failure"
	"github.com/mie-kafka/mie/internal/asl/jsonvalue"
)

func decode(t testing.TB, s string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return v
}

func scope(t testing.TB, input string) dataflow.Scope {
	vars := map[string]any{"limit": json.Number("5"), "user": map[string]any{"name": "ada"}}
	return dataflow.Scope{
		Input:   decode(t, input),
		Context: decode(t, `{"Execution": {"Id": "arn:aws:states:us-east-1:123456789012:execution:m:e", "Input": {"k": 1}}, "State": {"Name": "S"}}`),
		Var:     func(n string) (any, bool) { v, ok := vars[n]; return v, ok },
	}
}

// runState runs a state's IO the way the interpreter does for a Task:
// Input, then the work (here: a fixed result), then Output.
func runState(t *testing.T, state, input, result string) (effective, output any, err error) {
	t.Helper()
	io, err := dataflow.CompileIO(decode(t, state).(map[string]any))
	if err != nil {
		t.Fatalf("CompileIO: %v", err)
	}
	s := scope(t, input)
	effective, err = io.Input(s)
	if err != nil {
		return nil, nil, err
	}
	var r any = effective
	if result != "" {
		r = decode(t, result)
	}
	output, err = io.Output(s, r)
	return effective, output, err
}

// The examples of AWS's "Processing input and output in Step Functions"
// pages (InputPath and Parameters, ResultSelector, ResultPath, OutputPath)
// and of the States Language specification, with the results they state.
func TestIOExamples(t *testing.T) {
	tests := []struct {
		name, state, input, result, effective, output string
	}{
		{"InputPath", `{"InputPath": "$.dataset2"}`,
			`{"comment": "Example for InputPath.", "dataset1": {"val1": 1, "val2": 2, "val3": 3}, "dataset2": {"val1": "a", "val2": "b", "val3": "c"}}`,
			"", `{"val1":"a","val2":"b","val3":"c"}`, `{"val1":"a","val2":"b","val3":"c"}`},
		{"Parameters", `{"Parameters": {"comment": "Selecting what I care about.", "MyDetails": {"size.$": "$.product.details.size", "exists.$": "$.product.availability", "StaticValue": "foo"}}}`,
			`{"comment": "Example for Parameters.", "product": {"details": {"color": "blue", "size": "small", "material": "cotton"}, "availability": "in stock", "sku": "2317", "cost": "$23"}}`,
			"", `{"MyDetails":{"StaticValue":"foo","exists":"in stock","size":"small"},"comment":"Selecting what I care about."}`,
			`{"MyDetails":{"StaticValue":"foo","exists":"in stock","size":"small"},"comment":"Selecting what I care about."}`},
		{"spec Parameters", `{"Parameters": {"flagged": true, "parts": {"first.$": "$.vals[0]", "last3.$": "$.vals[3:]"}}}`,
			`{"flagged": 7, "vals": [0, 10, 20, 30, 40, 50]}`, "",
			`{"flagged":true,"parts":{"first":0,"last3":[30,40,50]}}`, `{"flagged":true,"parts":{"first":0,"last3":[30,40,50]}}`},
		{"ResultSelector", `{"ResultSelector": {"ClusterId.$": "$.output.ClusterId", "ResourceType.$": "$.resourceType"}, "ResultPath": "$.EMROutput"}`,
			`{"comment": "in"}`,
			`{"resourceType": "elasticmapreduce", "resource": "createCluster.sync", "output": {"SdkHttpMetadata": {"HttpStatusCode": 200}, "ClusterId": "AKIAIOSFODNN7EXAMPLE"}}`,
			`{"comment":"in"}`, `{"EMROutput":{"ClusterId":"AKIAIOSFODNN7EXAMPLE","ResourceType":"elasticmapreduce"},"comment":"in"}`},
		{"flatten", `{"ResultSelector": {"flattenArray.$": "$[*][*]"}, "ResultPath": "$.out"}`, `{}`, `[[1, 2, 3], [4, 5, 6]]`,
			`{}`, `{"out":{"flattenArray":[1,2,3,4,5,6]}}`},
		{"ResultPath $", `{"ResultPath": "$"}`, `{"comment": "This is a test", "details": "Default example", "who": "Step Functions"}`,
			`"Hello, Step Functions!"`, `{"comment":"This is a test","details":"Default example","who":"Step Functions"}`, `"Hello, Step Functions!"`},
		{"ResultPath null", `{"ResultPath": null}`, `{"comment": "This is a test", "who": "Step Functions"}`,
			`"Hello, Step Functions!"`, `{"comment":"This is a test","who":"Step Functions"}`, `{"comment":"This is a test","who":"Step Functions"}`},
		{"ResultPath include", `{"ResultPath": "$.taskresult"}`, `{"comment": "This is a test", "who": "Step Functions"}`,
			`"Hello, Step Functions!"`, `{"comment":"This is a test","who":"Step Functions"}`,
			`{"comment":"This is a test","taskresult":"Hello, Step Functions!","who":"Step Functions"}`},
		{"ResultPath update node", `{"ResultPath": "$.comment"}`, `{"comment": "This is a test", "who": "Step Functions"}`,
			`"Hello, Step Functions!"`, `{"comment":"This is a test","who":"Step Functions"}`,
			`{"comment":"Hello, Step Functions!","who":"Step Functions"}`},
		{"InputPath ResultPath OutputPath", `{"InputPath": "$.lambda", "ResultPath": "$.data.lambdaresult", "OutputPath": "$.data"}`,
			`{"comment": "An input comment.", "data": {"val1": 23, "val2": 17}, "extra": "foo", "lambda": {"who": "AWS Step Functions"}}`,
			`"Hello, AWS Step Functions!"`, `{"who":"AWS Step Functions"}`, `{"lambdaresult":"Hello, AWS Step Functions!","val1":23,"val2":17}`},
		{"InputPath null", `{"InputPath": null}`, `{"a": 1}`, "", `{}`, `{}`},
		{"OutputPath null", `{"OutputPath": null}`, `{"a": 1}`, `{"r": 1}`, `{"a":1}`, `{}`},
		{"nothing", `{}`, `{"a": 1}`, `{"r": 1}`, `{"a":1}`, `{"r":1}`},
		{"context and variables", `{"Parameters": {"execution.$": "$$.Execution.Id", "max.$": "$limit", "who.$": "$user.name", "id.$": "States.Format('{}-{}', $$.State.Name, $.n)"}}`,
			`{"n": 3}`, "", `{"execution":"arn:aws:states:us-east-1:123456789012:execution:m:e","id":"S-3","max":5,"who":"ada"}`,
			`{"execution":"arn:aws:states:us-east-1:123456789012:execution:m:e","id":"S-3","max":5,"who":"ada"}`},
		{"OutputPath indefinite", `{"OutputPath": "$.items[*].id"}`, `{}`, `{"items": [{"id": 1}, {"id": 2}]}`, `{}`, `[1,2]`},
		// AWS takes an array (or a plain value) as Parameters, though the
		// spec asks for an object.
		{"array Parameters", `{"Parameters": [{"foo": "bar"}, {"v.$": "$.a"}]}`, `{"a": 1}`, "", `[{"foo":"bar"},{"v":1}]`, `[{"foo":"bar"},{"v":1}]`},
		{"plain Parameters", `{"Parameters": "x"}`, `{"a": 1}`, "", `"x"`, `"x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eff, out, err := runState(t, tt.state, tt.input, tt.result)
			if err != nil {
				t.Fatal(err)
			}
			if got := jsonvalue.MustMarshal(eff); got != tt.effective {
				t.Errorf("effective input %s, want %s", got, tt.effective)
			}
			if got := jsonvalue.MustMarshal(out); got != tt.output {
				t.Errorf("output %s, want %s", got, tt.output)
			}
		})
	}
}

func TestIOFailures(t *testing.T) {
	tests := []struct {
		name, state, input, result, errName, cause string
	}{
		// awsstudygroup workshop, a real AWS execution history.
		{"parameters path", `{"Parameters": {"address.$": "$.application.address"}}`, `{"flagged": false}`, "",
			failure.Runtime, `The JSONPath '$.application.address' specified for the field 'address.$' could not be found in the input '{"flagged":false}'`},
		// re:Post "sum() function returns error about not finding path".
		{"parameters function", `{"Parameters": {"Jobs.$": "$.Jobs.sum()"}}`, `{"Jobs": [0, 1]}`, "",
			failure.Runtime, `The JSONPath '$.Jobs.sum()' specified for the field 'Jobs.$' could not be found in the input '{"Jobs":[0,1]}'`},
		{"nested parameters path", `{"Parameters": {"a": {"b": [{"c.$": "$.nope"}]}}}`, `{}`, "",
			failure.Runtime, `The JSONPath '$.nope' specified for the field 'c.$' could not be found in the input '{}'`},
		{"intrinsic argument path", `{"Parameters": {"v.$": "States.Format('{}', $.receipt_bucket)"}}`, `{"x": 1}`, "",
			failure.Runtime, `The JsonPath argument for the field '$.receipt_bucket' could not be found in the input '{"x":1}'`},
		{"intrinsic failure", `{"Parameters": {"v.$": "States.MathAdd($.a, 'b')"}}`, `{"a": 1}`, "",
			failure.Runtime, "Invalid arguments in States.MathAdd: argument 2"},
		{"undefined variable", `{"Parameters": {"v.$": "$nope.x"}}`, `{}`, "",
			failure.Runtime, "The JSONPath '$nope.x' specified for the field 'v.$' could not be found: the variable $nope is not defined"},
		{"context path", `{"Parameters": {"v.$": "$$.Map.Item.Value"}}`, `{}`, "",
			failure.Runtime, "The JSONPath '$$.Map.Item.Value' specified for the field 'v.$' could not be found in the input"},
		{"InputPath", `{"InputPath": "$.x"}`, `{"a": 1}`, "", failure.Runtime, "Invalid path '$.x' : No results for path: $['x']"},
		{"OutputPath", `{"OutputPath": "$.Payload"}`, `{}`, `{"StatusCode": 200}`, failure.Runtime, "Invalid path '$.Payload' : No results for path: $['Payload']"},
		{"ResultSelector path", `{"ResultSelector": {"id.$": "$.Id"}}`, `{}`, `{"x": 1}`,
			failure.Runtime, `The JSONPath '$.Id' specified for the field 'id.$' could not be found in the input '{"x":1}'`},
		// states-language.net "ResultPath": input "foo" with "$.x".
		{"ResultPath", `{"ResultPath": "$.x"}`, `"foo"`, `1`, failure.ResultPathMatchFailure, `Unable to apply ReferencePath $.x to input "foo"`},
		{"ResultPath scalar", `{"ResultPath": "$.a.b"}`, `{"a": 1}`, `1`, failure.ResultPathMatchFailure, `Unable to apply ReferencePath $.a.b to input {"a":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runState(t, tt.state, tt.input, tt.result)
			var fe *failure.Error
			if !errors.As(err, &fe) {
				t.Fatalf("error = %v, want a *failure.Error", err)
			}
			if fe.Name != tt.errName || !strings.Contains(fe.Cause, tt.cause) {
				t.Errorf("got %s: %s\nwant %s containing %s", fe.Name, fe.Cause, tt.errName, tt.cause)
			}
		})
	}
}

// TestMapItemSelector is the ItemSelector example of AWS's Map state page:
// ItemsPath picks the items, ItemSelector builds each iteration's input
// from the Map's input and $$.Map.Item.Value.
func TestMapItemSelector(t *testing.T) {
	input := `{"ship-date": "2016-03-14T01:59:00Z", "detail": {"delivery-partner": "UQS", "shipped": [
		{"prod": "R31", "dest-code": 9511, "quantity": 1344}, {"prod": "S39", "dest-code": 9511, "quantity": 40}]}}`
	items, err := dataflow.CompilePath("ItemsPath", "$.detail.shipped", true, true)
	if err != nil {
		t.Fatal(err)
	}
	sel, err := dataflow.CompilePayload("ItemSelector", decode(t, `{"parcel.$": "$$.Map.Item.Value", "courier.$": "$.detail.delivery-partner"}`))
	if err != nil {
		t.Fatal(err)
	}
	s := scope(t, input)
	list, err := items.Select(s)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, item := range list.([]any) {
		s.Context = map[string]any{"Map": map[string]any{"Item": map[string]any{"Index": jsonvalue.Int64(int64(i)), "Value": item}}}
		v, err := sel.Eval(s)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, jsonvalue.MustMarshal(v))
	}
	want := []string{`{"courier":"UQS","parcel":{"dest-code":9511,"prod":"R31","quantity":1344}}`,
		`{"courier":"UQS","parcel":{"dest-code":9511,"prod":"S39","quantity":40}}`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestCatchResultPath: a Catcher's ResultPath places the error output in
// the raw input (AWS "Handling errors": "ResultPath": "$.error").
func TestCatchResultPath(t *testing.T) {
	rp, err := dataflow.CompileResultPath("$.error", true)
	if err != nil {
		t.Fatal(err)
	}
	out, err := rp.Apply(decode(t, `{"foo": "bar"}`), dataflow.ErrorOutput(&failure.Error{Name: "CustomError", Cause: "This is a custom error!"}))
	if err != nil {
		t.Fatal(err)
	}
	if got := jsonvalue.MustMarshal(out); got != `{"error":{"Cause":"This is a custom error!","Error":"CustomError"},"foo":"bar"}` {
		t.Errorf("got %s", got)
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct{ state, msg string }{
		{`{"Parameters": {"a": {"b.$": 1}}}`, "Parameters: a['b.$']: the value for the field 'b.$' must be a string"},
		{`{"Parameters": {"a": [{"b.$": "$..."}]}}`, "Parameters: a[0]['b.$']: the value for the field 'b.$' must be a valid JSONPath"},
		{`{"Parameters": {"x.$": "States.Nope()"}}`, "Parameters: ['x.$']: the value for the field 'x.$' must be a valid intrinsic function call"},
		{`{"Parameters": {"x.$": "nope"}}`, "must be a valid JSONPath or a valid intrinsic function call"},
		{`{"Parameters": {"x": 1, "x.$": "$.a"}}`, `Parameters: ['x.$']: the field "x.$" is also given as "x"`},
		{`{"ResultSelector": [{"a.$": 1}]}`, "ResultSelector: [0]['a.$']: the value for the field 'a.$' must be a string"},
		{`{"InputPath": 1}`, "InputPath must be a string or null"},
		{`{"OutputPath": "$["}`, "OutputPath: invalid JSONPath"},
		{`{"ResultPath": "$.a[*]"}`, "ResultPath: invalid JSONPath"},
		{`{"ResultPath": "$$.a"}`, "must start with '$.' or '$['"},
		{`{"ResultPath": "$v.a"}`, "must start with '$.' or '$['"},
		{`{"ResultPath": 2}`, "ResultPath must be a string or null"},
	}
	for _, tt := range tests {
		t.Run(tt.state, func(t *testing.T) {
			_, err := dataflow.CompileIO(decode(t, tt.state).(map[string]any))
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error = %v, want one containing %q", err, tt.msg)
			}
		})
	}
	// Every problem is reported, not just the first.
	_, err := dataflow.CompileIO(decode(t, `{"InputPath": 1, "OutputPath": 2, "Parameters": {"x.$": 3}}`).(map[string]any))
	for _, f := range []string{"InputPath", "OutputPath", "Parameters"} {
		if err == nil || !strings.Contains(err.Error(), f) {
			t.Errorf("error %v does not mention %s", err, f)
		}
	}
	var te *dataflow.TemplateError
	_, err = dataflow.CompileTemplate(decode(t, `{"a": {"b.c": {"d.$": 5}}}`))
	if !errors.As(err, &te) || te.Location != "a['b.c']['d.$']" {
		t.Errorf("error %v, want a TemplateError at a['b.c']['d.$']", err)
	}
}

// TestTemplateLiterals: members without ".$" are copied as they are, even
// strings that look like paths, and literal parts are shared, not copied.
func TestTemplateLiterals(t *testing.T) {
	tmpl, err := dataflow.CompileTemplate(decode(t, `{"p": "$.a", "n": null, "list": [1, {"x.$": "$.a"}, "$.b"], "deep": {"k": [true]}}`))
	if err != nil {
		t.Fatal(err)
	}
	v, err := tmpl.Eval(scope(t, `{"a": "A"}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := jsonvalue.MustMarshal(v); got != `{"deep":{"k":[true]},"list":[1,{"x":"A"},"$.b"],"n":null,"p":"$.a"}` {
		t.Errorf("got %s", got)
	}
	for _, lit := range []string{`5`, `"s"`, `[1, "$.x"]`, `{"a": {"b": 1}}`} {
		tmpl, err := dataflow.CompileTemplate(decode(t, lit))
		if err != nil {
			t.Fatal(err)
		}
		v, _ := tmpl.Eval(dataflow.Scope{})
		if !jsonvalue.Equal(v, decode(t, lit)) {
			t.Errorf("%s evaluated to %v", lit, v)
		}
	}
}
