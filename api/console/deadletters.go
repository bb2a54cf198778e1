package console

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/mie-kafka/mie/internal/dlq"
	"github.com/mie-kafka/mie/internal/problem"
)

// DeadLetter is a dead letter with its original record, to inspect.
type DeadLetter struct {
	dlq.Entry
	Headers map[string]string `json:"Headers"`
	// Value is the record's value: JSON as is, anything else as a string.
	Value json.RawMessage `json:"Value"`
}

// ReplayRequest chooses dead letters to replay by position
// ("partition:offset").
type ReplayRequest struct {
	Positions []string `json:"Positions"`
}

func (c *Console) routeDeadLetters(e *echo.Echo) {
	e.GET(API+"/deadletters", func(ec echo.Context) error {
		list, err := dlq.List(ec.Request().Context(), c.d.Kafka, c.d.Catalog,
			dlq.Filter{Reason: ec.QueryParam("reason"), SourceTopic: ec.QueryParam("topic")})
		if err != nil {
			return err
		}
		if list == nil {
			list = []dlq.Entry{}
		}
		return ec.JSON(http.StatusOK, list)
	})
	e.GET(API+"/deadletters/:Position", func(ec echo.Context) error {
		p, err := dlq.ParsePosition(ec.Param("Position"))
		if err != nil {
			return problem.Invalid("Position", "%v", err)
		}
		list, err := dlq.List(ec.Request().Context(), c.d.Kafka, c.d.Catalog, dlq.Filter{Positions: []dlq.Position{p}})
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return problem.NotFound("dead letter", p.String())
		}
		e := list[0]
		v := json.RawMessage(e.Value())
		if !json.Valid(v) {
			v, _ = json.Marshal(string(e.Value()))
		}
		return ec.JSON(http.StatusOK, DeadLetter{Entry: e, Headers: e.Headers(), Value: v})
	})
	e.POST(API+"/deadletters/replay", func(ec echo.Context) error {
		var req ReplayRequest
		if err := json.NewDecoder(ec.Request().Body).Decode(&req); err != nil {
			return problem.Invalid("body", "malformed JSON: %v", err)
		}
		if len(req.Positions) == 0 {
			return problem.Invalid("Positions", "name at least one dead letter (partition:offset)")
		}
		f := dlq.Filter{}
		for _, s := range req.Positions {
			p, err := dlq.ParsePosition(s)
			if err != nil {
				return problem.Invalid("Positions", "%v", err)
			}
			f.Positions = append(f.Positions, p)
		}
		res, err := dlq.Replay(ec.Request().Context(), dlq.ReplayConfig{Kafka: c.d.Kafka, Catalog: c.d.Catalog, Filter: f})
		if err != nil {
			return err
		}
		return ec.JSON(http.StatusOK, res)
	})
}
