package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mie-kafka/mie/internal/view"
)

// keepAlive is how often an idle stream sends a comment, so that proxies
// keep it open.
const keepAlive = 15 * time.Second

// poll produces what a stream sends: the value, a tag that changes when
// it does, and whether nothing will change any more.
type poll func() (v any, tag string, done bool, err error)

// stream writes Server-Sent Events: event name with the value of next
// whenever its tag changes, until the client goes, next says done (after
// sending the last value), or next fails (an "error" event). A client
// reads it with fetch, which, unlike EventSource, can send the
// Authorization header.
func (c *Console) stream(ec echo.Context, name string, every time.Duration, next poll) error {
	w := ec.Response()
	w.Header().Set(echo.HeaderContentType, "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	ctx := ec.Request().Context()
	tick := time.NewTicker(every)
	defer tick.Stop()
	last, idle := "", time.Now()
	for {
		v, tag, done, err := next()
		switch {
		case err != nil:
			b, _ := json.Marshal(map[string]string{"Message": err.Error()})
			fmt.Fprintf(w, "event: error\ndata: %s\n\n", b)
			w.Flush()
			return nil
		case tag != last:
			b, err := json.Marshal(v)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", name, b)
			w.Flush()
			last, idle = tag, time.Now()
		case time.Since(idle) > keepAlive:
			fmt.Fprint(w, ": keep-alive\n\n")
			w.Flush()
			idle = time.Now()
		}
		if done {
			fmt.Fprint(w, "event: end\ndata: {}\n\n")
			w.Flush()
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-c.done:
			return nil
		case <-tick.C:
		}
	}
}

// streamExecution sends the execution's read model whenever an event is
// applied to it, and ends once it has ended.
func (c *Console) streamExecution(ec echo.Context) error {
	ctx, id := ec.Request().Context(), ec.Param("Id")
	if _, err := c.d.Executions.Execution(ctx, id); err != nil {
		return err // a 404 before the stream starts
	}
	return c.stream(ec, "execution", c.d.Poll, func() (any, string, bool, error) {
		x, err := c.d.Executions.Execution(ctx, id)
		if err != nil {
			return nil, "", false, err
		}
		return x, fmt.Sprint(x.Version), terminal(x), nil
	})
}

// terminal: the execution, and its States Language run, have ended.
func terminal(x *view.Execution) bool {
	if x.Run != nil {
		return x.Run.Status != "RUNNING" && x.Run.Status != "QUEUED"
	}
	return x.Terminal()
}

// streamList sends the list page the query asks for whenever a row on it
// changes.
func (c *Console) streamList(ec echo.Context) error {
	if _, err := parseList(ec); err != nil {
		return err
	}
	return c.stream(ec, "executions", 4*c.d.Poll, func() (any, string, bool, error) {
		p, err := c.listExecutions(ec)
		if err != nil {
			return nil, "", false, err
		}
		tag := p.Cursor
		for _, it := range p.Items {
			tag += fmt.Sprintf("|%s@%d", it.Id, it.Version)
		}
		return p, tag, false, nil
	})
}
