// Package dataflow is the input and output processing of JSONPath-mode
// states, with the rules Step Functions applies: payload templates
// (Template), the InputPath/OutputPath/ItemsPath fields (Path), ResultPath
// (ResultPath), and IO, which chains them for one state. JSONata-mode
// states are not handled here.
//
// # Per state type
//
// The interpreter runs, for each state type (the validator makes sure a
// state has no field its type does not allow):
//
//	Pass      in := io.Input(s)               InputPath, Parameters
//	          result := Result if present, else in
//	          out := io.Output(s, result)     ResultPath, OutputPath
//	Task      in := io.Input(s); result := the task's result
//	          out := io.Output(s, result)     ResultSelector, ResultPath, OutputPath
//	Parallel  as Task; each branch gets in
//	Map       in := io.InputPath.Select(s)    InputPath only: not io.Input, since a
//	                                          Map's (legacy) Parameters is per item
//	          items := ItemsPath.Select(s with Input=in)   a Reference Path, default "$"
//	          each item's input := ItemSelector, or io.Parameters in older
//	              definitions, evaluated with Input=in and $$.Map.Item.{Index,Value}
//	              in Context; without either, the item itself
//	          out := io.Output(s, results)    ResultSelector, ResultPath, OutputPath
//	Choice    in := io.Input(s) (InputPath only); the rules read in
//	          out := io.OutputPath.Select(s with Input=in)
//	Wait      as Choice (TimestampPath/SecondsPath read in)
//	Succeed   as Choice
//	Fail      no processing (ErrorPath and CausePath read the raw input)
//
// A Catcher that matches an error replaces the state's output processing
// with its own ResultPath: catcher.ResultPath.Apply(raw input,
// ErrorOutput(err)); OutputPath is not applied.
//
// # AWS's rules
//
//   - InputPath and OutputPath: absent means "$", null means {}.
//   - ResultPath: absent means "$" (the result replaces the input), null
//     discards the result and passes the raw input on, a Reference Path
//     places the result in a copy of the raw input, creating missing
//     objects on the way; it fails with States.ResultPathMatchFailure when
//     it cannot apply.
//   - A path in InputPath, OutputPath or ItemsPath that matches nothing
//     fails with States.Runtime, as does a ".$" path in a template that
//     matches nothing ("The JSONPath '$.x' specified for the field 'y.$'
//     could not be found in the input '...'"). The States Language spec
//     names States.ParameterPathFailure for the latter, but AWS reports
//     States.Runtime, which Retry and Catch do not match.
//   - An intrinsic function's failure is States.Runtime too (see package
//     intrinsics); a path inside a call that matches nothing is "The
//     JsonPath argument for the field '$.x' could not be found in the
//     input '...'", as AWS words it.
//
// # Differences from AWS
//
//   - AWS prefixes causes with "An error occurred while executing the state
//     'Name' (entered at the event id #N)."; the interpreter knows the
//     state and the event, so it adds that, not this package.
//   - The JSON text of inputs in causes has its object members sorted (Go
//     maps have no order); AWS keeps the input's order.
//   - A ".$" path on "$$" or a variable that matches nothing is reported
//     with the context object or the variable's value as "the input"; AWS's
//     wording for those cases is not documented.
package dataflow
