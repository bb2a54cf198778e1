package worker

import "github.com/mie-kafka/mie/events"

// ResultEvent is the OperatorResult a Runtime writes for task t's result
// res. Processors that answer tasks themselves, in their own
// transactions (the tables processor answers dynamodb tasks once it has
// applied them), build their results with it, so that every result ties
// back to its dispatch the same way.
func ResultEvent(t *Task, res Result) *events.OperatorResult { return resultOf(t, res) }
