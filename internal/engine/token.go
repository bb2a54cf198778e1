package engine

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// A task token names the execution, the run and the attempt it answers,
// and a random nonce that makes it unguessable: base64url of
// {"e","r","a","n"}. The execution id in it routes SendTaskSuccess to the
// execution's partition; the executor accepts only the exact token it
// issued (TaskScheduled records it).

type token struct {
	Execution string `json:"e"`
	Run       RunID  `json:"r"`
	Attempt   int    `json:"a"`
	Nonce     string `json:"n"`
}

func newToken(execution string, run RunID, attempt int, nonce string) string {
	b, _ := json.Marshal(token{Execution: execution, Run: run, Attempt: attempt, Nonce: strings.ReplaceAll(nonce, "-", "")})
	return base64.RawURLEncoding.EncodeToString(b)
}

func parseToken(s string) (token, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return token{}, false
	}
	var t token
	if json.Unmarshal(b, &t) != nil || t.Execution == "" || t.Run <= 0 {
		return token{}, false
	}
	return t, true
}

// TokenExecution returns the execution a task token belongs to, so that
// an answer can be routed to it; ok is false for a token the engine never
// made.
func TokenExecution(s string) (string, bool) {
	t, ok := parseToken(s)
	return t.Execution, ok
}

// TokenRun reads what a task token names: its execution, the Task run and
// the attempt; ok is false for a token the engine never made. A reader
// can check a token against the execution's view (the run's state, its
// attempt) without its history.
func TokenRun(s string) (execution string, run int32, attempt int, ok bool) {
	t, ok := parseToken(s)
	return t.Execution, int32(t.Run), t.Attempt, ok
}
