// Package jsonata evaluates the JSONata expressions of ASL states with
// QueryLanguage "JSONata", as AWS Step Functions does: "{% %}" strings in
// field values, $states and ASL variables as bindings, the six functions
// Step Functions adds, and AWS's error causes and limits.
//
// It bridges github.com/blues/jsonata-go; the library choice, every
// difference from AWS and the limits are described in the full package
// documentation (to follow).
package jsonata
