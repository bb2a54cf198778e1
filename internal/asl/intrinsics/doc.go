// Package intrinsics parses and evaluates the intrinsic functions of the
// Amazon States Language (JSONPath mode): States.Format, StringToJson,
// JsonToString, Array, ArrayPartition, ArrayContains, ArrayRange,
// ArrayGetItem, ArrayLength, ArrayUnique, Base64Encode, Base64Decode,
// Hash, JsonMerge, MathRandom, MathAdd, StringSplit and UUID.
//
// Parse checks what Step Functions checks when a definition is created:
// the grammar (string literals in single quotes with the escapes \' \{ \}
// and \\, JSON numbers, true, false, null, paths and nested calls), the
// function names and the nesting depth (MaxNesting). Eval checks what AWS
// checks when the state runs: the number and types of the arguments and
// the functions' limits. A failure there is a *failure.Error named
// States.Runtime (not States.IntrinsicFailure: that is what AWS reports,
// and it cannot be caught), whose Cause begins with AWS's "Invalid
// arguments in States.<Name>" and then names the argument at fault.
//
// Where AWS's behaviour differs from its documentation, this package
// follows what AWS was observed to do; see each function's comment and
// the list in the package's tests.
package intrinsics
