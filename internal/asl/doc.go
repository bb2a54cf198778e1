// Package asl parses and validates Amazon States Language definitions into
// typed, compiled state machines, and evaluates JSONPath Choice rules, the
// way AWS Step Functions does.
//
// # Types
//
// Parse returns a *Machine: its states by name (States) and in definition
// order (Order), StartAt, TimeoutSeconds, Version, the top-level
// QueryLanguage and the definition's bytes. Each state is one of *Pass,
// *Task, *Choice, *Wait, *Succeed, *Fail, *Parallel and *Map, behind the
// State interface; the fields they share are in Base (Common()). Parallel
// branches and a Map's ItemProcessor (or legacy Iterator) are nested
// *Machines. Every path is held compiled: InputPath, OutputPath and
// ItemsPath as dataflow.Path, ResultPath as dataflow.ResultPath, the others
// as *jsonpath.Path; every payload template (Parameters, ResultSelector,
// ItemSelector, JSONPath Assign) as a *dataflow.Template, and a JSONPath
// state's whole input and output processing as a *dataflow.IO (Base.IO); every JSONata-language field (Arguments, Output,
// Assign, Items, Condition, and "{% %}" in Seconds, Timestamp,
// TimeoutSeconds, HeartbeatSeconds, MaxConcurrency, ToleratedFailure*,
// Error, Cause, MaxItems, ...) as a *jsonata.Value, so nothing is parsed at
// run time. A field that may be a literal, a "...Path" or an expression is
// an IntField, FloatField, StringField or TimeField with one form set.
// Retry and Catch are []Retrier (defaults applied: IntervalSeconds 1,
// MaxAttempts 3, BackoffRate 2.0) and []Catcher.
//
// JSONPath Choice rules compile to a *Condition tree; Condition.Eval
// evaluates one against the input, the variables and the context object.
// JSONata rules keep their Condition as a compiled expression for the
// interpreter.
//
// A machine that Parse accepts holds what the interpreter relies on: every
// transition names a state of its own machine, every state has the fields
// its type needs, every path, template, intrinsic call and expression
// compiled (FuzzParse checks this on what it accepts).
//
// # Validation
//
// Parse reports every problem it finds, not the first, as a
// *ValidationError of Problems: a location (a JSON pointer into the
// definition: /States/Publish/Next,
// /States/P/Branches/0/States/T/Retry/1/ErrorEquals; "~1" stands for "/" in
// a name), one of the codes of AWS's ValidateStateMachineDefinition, a
// severity and a message in AWS's wording where it is known. Warnings alone
// do not fail Parse; they are in Machine.Warnings.
//
//   - INVALID_JSON_DESCRIPTION: not JSON (line and column in the message),
//     or data after the value, or nesting past 10000 levels.
//   - MISSING_DESCRIPTION: an empty or blank definition.
//   - SCHEMA_VALIDATION_FAILED: a definition over 1 MiB (1,048,576 bytes)
//     or not an object; a field that does not exist, or not for this state
//     type ("Field 'X' is not supported", located at the object); a field
//     of the other query language ("The QueryLanguage is set to ..., but
//     field 'X' is only supported for the ... QueryLanguage", at the
//     field); a missing required field (Type, StartAt, States, Resource,
//     Choices, Branches, ItemProcessor, ErrorEquals, a catcher's or a
//     top-level rule's Next, ...); wrong JSON types; Next and End (exactly
//     one, End only as true; Choice, Succeed and Fail have neither); a
//     Choice rule without exactly one operator, with an operand of the
//     wrong type, a Variable with And/Or/Not, a Next in a nested rule, an
//     empty And/Or, a timestamp operand that is not one; a malformed Path,
//     a ResultPath that is not a Reference Path on "$" (ResultPath in
//     states and catchers), an ItemsPath or "...Path" field that is not a
//     Reference Path, a malformed intrinsic call, a "key.$" whose value is
//     not a string, both "key" and "key.$" (Parameters and ResultSelector
//     may be any JSON value, as AWS accepts; ItemSelector, Credentials and
//     an ItemReader's or ResultWriter's Parameters must be objects); a
//     retrier with IntervalSeconds
//     outside 1..99999999, MaxAttempts outside 0..99999999, BackoffRate
//     below 1.0, MaxDelaySeconds outside 1..31622400, a JitterStrategy other
//     than FULL or NONE; States.ALL not alone in its ErrorEquals, and a
//     retrier or catcher after one on States.ALL; TimeoutSeconds outside
//     1..99999999 (Task, and the machine's), HeartbeatSeconds not below a
//     literal TimeoutSeconds, both a field and its "...Path"; Wait without
//     exactly one of Seconds (0..99999999), SecondsPath, Timestamp,
//     TimestampPath, a Timestamp that is not RFC 3339 with "T" and "Z" in
//     upper case; Fail with both Error and ErrorPath (or Cause and
//     CausePath); Map with both ItemProcessor and Iterator, or ItemSelector
//     and Parameters, MaxConcurrency below 0,
//     ToleratedFailurePercentage outside 0..100, a ProcessorConfig Mode or
//     ExecutionType not AWS's (ExecutionType required when DISTRIBUTED), an
//     ItemReader resource other than s3:getObject and s3:listObjectsV2, an
//     InputType other than JSON, JSONL, CSV, MANIFEST, PARQUET, GIVEN CSV
//     headers missing, a CSVDelimiter, ManifestType, WriterConfig
//     OutputType or Transformation not AWS's, a ResultWriter resource other
//     than s3:putObject;
//     an Assign variable name that is not a letter or "_" followed by
//     letters, digits and "_", longer than 80 characters, or "states"; an
//     invalid "QueryLanguage" value (the state then counts as JSONata, as on
//     AWS), "QueryLanguage" in a branch or an ItemProcessor, and a JSONPath
//     state in a JSONata machine ("'QueryLanguage' can not be 'JSONPath' if
//     set to 'JSONata' for whole state machine").
//   - INVALID_RESOURCE: a Task Resource that is not an ARN
//     (arn:partition:service:region:account:resource).
//   - MISSING_TRANSITION_TARGET: a Next, Default, rule Next, catcher Next
//     or StartAt naming no state of its own machine (so a Next out of a
//     branch), or empty ("Missing 'Next' target: X"); a state nothing
//     reaches ("State \"X\" is not reachable.", at the state).
//   - MISSING_END_STATE: a machine (or branch, or processor) with no
//     terminal state; as on AWS, the unreachable-state walk is then skipped.
//   - DUPLICATE_STATE_NAME: a name twice in one States object, or in two
//     machines of the definition (names are unique in the whole definition).
//   - INVALID_STATE_NAME: an empty name, one over 80 characters, or one
//     with control characters.
//   - INVALID_LABEL_NAME, DUPLICATE_LABEL_NAME: a Map Label over 40
//     characters or with whitespace, brackets, wildcards, special or
//     control characters; a Label used twice.
//   - INVALID_JSONATA_EXPRESSION, UNSUPPORTED_JSONATA_EXPRESSION: a "{% %}"
//     expression that does not parse, or that uses what Step Functions
//     refuses (a top-level field reference, $$, ...), located at the string;
//     $states.result outside the Output and Assign of Task, Parallel and
//     Map, $states.errorOutput outside a catcher's Output and Assign.
//   - Warnings: NO_DOLLAR (a template field without ".$" whose value looks
//     like a path or an intrinsic call), NO_PATH (a Fail Error or Cause
//     that looks like a path), PASS_RESULT_IS_STATIC (a "key.$" in a Pass
//     state's Result).
//
// A state that cannot be parsed at all (not an object, no valid Type)
// suppresses the terminal-state and reachability checks of its machine, as
// its transitions are unknown; its other problems are still reported.
//
// # Choice rules
//
// Condition.Eval follows AWS: a comparison against a value of another
// type is false (StringEquals on a number, NumericEquals on a string,
// Timestamp* on a string that is no timestamp); a Variable or "...Path"
// operand that selects nothing (a definite path with no match, in
// jsonpath's Jayway semantics) is a *failure.Error named States.Runtime
// whose cause names the path; IsPresent is then false instead. Numbers
// compare exactly, as decimals (jsonvalue.CompareNumbers). Strings
// compare by UTF-16 code units, as Java's String.compareTo. StringMatches
// takes "*" as any run of characters, "\*" as a literal "*" and "\\" as a
// literal backslash. Timestamps compare as instants, any offset.
//
// # Known differences from AWS's validator
//
//   - Locations are JSON pointers (/States/C/Choices/0/Next); AWS writes
//     array indexes in brackets (/States/C/Choices[0]/Next). A nested
//     machine's MISSING_END_STATE is located at that machine
//     (/States/P/Branches/0); AWS gives the top-level one no location.
//   - Messages follow AWS's wording where it is documented or has been
//     observed ("Field 'X' is not supported", "Missing 'Next' target: X",
//     "State \"X\" is not reachable.", "Workflow has no terminal state",
//     the QueryLanguage messages); the others are ours. Problems are
//     reported in the order found, which may differ from AWS's.
//   - AWS rejects definitions over 1 MB with a ValidationException, not a
//     diagnostic; Parse reports SCHEMA_VALIDATION_FAILED, counting bytes.
//   - A key repeated in an object other than States is accepted, the last
//     value winning (as encoding/json); AWS's parser may refuse it.
//   - Not checked: the nesting depth AWS limits (TOO_DEEPLY_NESTED; its
//     limit is not documented), which error names AWS accepts in
//     ErrorEquals (any string is taken), service integration resources
//     beyond the shape of an ARN, and Credentials beyond being a template.
//   - Assumed, not verified against AWS: state names unique across nested
//     machines (the specification says so, and AWS's CDK documentation
//     has fragments in Parallel branches prefix their state names for it;
//     Map ItemProcessors are taken to share the scope too); the numeric
//     limits above (99999999 seconds and attempts, 31622400 for
//     MaxDelaySeconds), as recalled from AWS's documentation; variable
//     names (a letter or "_", then letters, digits and "_", Unicode
//     letters and digits included: AWS documents Unicode identifiers);
//     control characters refused in state names; Fail and Succeed without
//     Assign; a JSONata Condition must be a "{% %}" string (a boolean
//     literal is refused); a "\" before any other character in
//     StringMatches is literal; IsNull, IsString and the other type tests
//     on a missing Variable are States.Runtime errors like the
//     comparisons; string comparisons by UTF-16 code units (Step Functions
//     runs on Java); UNSUPPORTED_JSONATA_EXPRESSION as the code of the
//     $states.result and $states.errorOutput placement errors.
//   - Integers must be written as integers: 5.0 for TimeoutSeconds is
//     refused. Timestamps with a leap second (":60") are refused.
package asl
