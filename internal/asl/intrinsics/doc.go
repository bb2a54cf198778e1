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
// # Differences from AWS's documentation, and from AWS
//
// Where Step Functions was observed to behave otherwise than its
// documentation says (observations published by other emulators' AWS
// conformance suites), this package does what AWS does:
//
//   - ArrayRange, ArrayPartition, ArrayGetItem and MathRandom drop the
//     fraction of a number (1.6 is 1; the documentation says "round");
//     MathAdd rounds (1.6 + 2.7 = 5), halves up as Java's Math.round does
//     (AWS's behaviour at exact halves was not observed).
//   - ArrayGetItem on an empty array returns null for any index >= 0.
//   - ArrayContains compares values by text (a string as it is, anything
//     else as JSON): true matches "true", 9007199254740991 matches
//     "9007199254740991". AWS also tells objects with their members in a
//     different order apart; here they are equal, since a Go map has no
//     order.
//   - ArrayUnique returns the distinct values in the order of Java's
//     HashSet ([true, false] gives [false, true]); this package computes
//     Java's hash codes to reproduce it (checked against Java). Values are
//     equal as Java objects are: 1 and 1.0 differ, member order does not
//     matter.
//   - StringSplit drops empty pieces (Java's StringTokenizer): "a,,b" gives
//     ["a","b"] and "" gives [].
//   - StringToJson("") is null.
//   - Base64Decode skips characters outside the Base64 alphabet and stops
//     at the first '=' (AWS accepts " YWJjZA== ", "abc", "ab==cd"); what AWS
//     returns for such input was not observed beyond "it decodes".
//   - Hash hashes a non-string by its JSON text (AWS accepts numbers and
//     objects); JsonMerge takes any third argument but true as false.
//   - The number and types of arguments are checked when the call runs
//     (AWS accepts a definition with States.StringToJson() and fails the
//     state); States.JsonMerge(..., true) fails then too, though AWS may
//     reject a literal true when the definition is created.
//
// Not verified against AWS, and chosen as follows:
//
//   - The Cause after "Invalid arguments in States.<Name>: " is this
//     package's own ("argument 2 (index) 3 is out of bounds ...").
//   - MaxNesting counts depth; AWS's "up to 10 intrinsic functions within a
//     field" might count calls.
//   - MathRandom with a seed returns what Java's new
//     Random(seed).nextInt(end-start) + start returns (checked with Java);
//     whether AWS draws its numbers that way is not known.
//   - Numbers keep the text they had in the input (json.Number), where AWS
//     may normalise them (1.50 printed as 1.5) in Format and JsonToString;
//     JsonToString sorts object members.
//   - A template read from a path (States.Format($.t, ...)) has its
//     backslash escapes processed like a literal's.
//   - The 10,000-character limits count UTF-16 code units, as Java's
//     String.length does.
package intrinsics
