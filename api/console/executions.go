package console

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/internal/view"
)

// Page sizes of the executions list.
const (
	defaultPage = 25
	maxPage     = 500
)

// ExecutionItem is one row of the executions list.
type ExecutionItem struct {
	Id      string `json:"Id"`
	Name    string `json:"Name"`
	Kind    string `json:"Kind"`
	Machine string `json:"Machine"`
	AssetId string `json:"AssetId"`
	// Status is the MIE status; RunStatus the States Language one
	// (RUNNING, SUCCEEDED, ...), empty for a version-1 execution.
	Status    string     `json:"Status"`
	RunStatus string     `json:"RunStatus,omitempty"`
	Created   time.Time  `json:"Created"`
	Ended     *time.Time `json:"Ended,omitempty"`
	Error     string     `json:"Error,omitempty"`
	Version   int64      `json:"Version"`
}

// ExecutionPage is a page of the list, newest first; Cursor asks for the
// next one ("" at the end).
type ExecutionPage struct {
	Items  []ExecutionItem `json:"Items"`
	Cursor string          `json:"Cursor,omitempty"`
}

func item(x *view.Execution) ExecutionItem {
	it := ExecutionItem{Id: x.Id, Name: x.Id, Kind: "Workflow", Machine: x.Workflow.Name, AssetId: x.AssetId,
		Status: x.Status, Created: x.Created, Error: x.Error, Version: x.Version}
	if r := x.Run; r != nil {
		it.RunStatus, it.Name = r.Status, r.Name
		if r.StateMachine != nil {
			it.Kind, it.Machine = r.StateMachine.Kind, r.StateMachine.Name
		}
	}
	if !x.Ended.IsZero() {
		t := x.Ended
		it.Ended = &t
	}
	return it
}

// listQuery is the list's filters: status (an MIE or a States Language
// status), machine (a state machine's or workflow's name), asset, and a
// creation time range.
type listQuery struct {
	status, machine, asset string
	since, until           time.Time
	cursor                 string
	limit                  int
}

func parseList(ec echo.Context) (listQuery, error) {
	q := listQuery{status: ec.QueryParam("status"), machine: ec.QueryParam("machine"),
		asset: strings.TrimSpace(ec.QueryParam("asset")), cursor: ec.QueryParam("cursor"), limit: defaultPage}
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"since", &q.since}, {"until", &q.until}} {
		if v := ec.QueryParam(p.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return q, problem.Invalid(p.name, "%q: want an RFC 3339 time, e.g. 2026-01-02T15:04:05Z", v)
			}
			*p.t = t
		}
	}
	if v := ec.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPage {
			return q, problem.Invalid("limit", "%q: want an integer from 1 to %d", v, maxPage)
		}
		q.limit = n
	}
	return q, nil
}

func (q listQuery) match(x *view.Execution) bool {
	it := item(x)
	switch {
	case q.status != "" && !strings.EqualFold(q.status, it.Status) && !strings.EqualFold(q.status, it.RunStatus):
		return false
	case q.machine != "" && q.machine != it.Machine:
		return false
	case !q.since.IsZero() && x.Created.Before(q.since):
		return false
	case !q.until.IsZero() && !x.Created.Before(q.until):
		return false
	}
	return true
}

// page filters the projection's list (newest first) and cuts the page
// after the cursor: the creation time and id of the last row shown.
func (q listQuery) page(all []*view.Execution) (ExecutionPage, error) {
	var rows []*view.Execution
	for _, x := range all {
		if q.match(x) {
			rows = append(rows, x)
		}
	}
	start := 0
	if q.cursor != "" {
		at, id, err := parseCursor(q.cursor)
		if err != nil {
			return ExecutionPage{}, err
		}
		start = len(rows)
		if i := slices.IndexFunc(rows, func(x *view.Execution) bool { return x.Id == id }); i >= 0 {
			start = i + 1
		} else if i := slices.IndexFunc(rows, func(x *view.Execution) bool { return x.Created.Before(at) }); i >= 0 {
			start = i
		}
	}
	out := ExecutionPage{Items: []ExecutionItem{}}
	end := min(start+q.limit, len(rows))
	for _, x := range rows[start:end] {
		out.Items = append(out.Items, item(x))
	}
	if end < len(rows) {
		last := rows[end-1]
		out.Cursor = base64.RawURLEncoding.EncodeToString([]byte(last.Created.Format(time.RFC3339Nano) + " " + last.Id))
	}
	return out, nil
}

func parseCursor(s string) (time.Time, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	ts, id, ok := strings.Cut(string(b), " ")
	t, terr := time.Parse(time.RFC3339Nano, ts)
	if err != nil || !ok || terr != nil {
		return time.Time{}, "", problem.Invalid("cursor", "is not a cursor this API returned")
	}
	return t, id, nil
}

// statusFilter passes an MIE status down to the projection.
func (q listQuery) filter() view.Filter {
	f := view.Filter{AssetId: q.asset}
	if slices.Contains(view.Statuses, q.status) {
		f.Status = q.status
	}
	return f
}

func (c *Console) listExecutions(ec echo.Context) (ExecutionPage, error) {
	q, err := parseList(ec)
	if err != nil {
		return ExecutionPage{}, err
	}
	all, err := c.d.Executions.Executions(ec.Request().Context(), q.filter())
	if err != nil {
		return ExecutionPage{}, err
	}
	return q.page(all)
}

func (c *Console) routeExecutions(e *echo.Echo) {
	e.GET(API+"/executions", func(ec echo.Context) error {
		p, err := c.listExecutions(ec)
		if err != nil {
			return err
		}
		return ec.JSON(http.StatusOK, p)
	})
	e.GET(API+"/executions/stream", c.streamList)
	e.GET(API+"/executions/:Id", c.execution)
	e.GET(API+"/executions/:Id/stream", c.streamExecution)
	e.GET(API+"/executions/:Id/runs/:Run", c.stateRun)
	e.POST(API+"/executions/:Id/redrive", c.redrive)
	e.POST(API+"/runs", c.startRun)
	e.POST(API+"/validate", c.validate)
}
