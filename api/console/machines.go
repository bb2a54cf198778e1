package console

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/graph"
	"github.com/mie-kafka/mie/internal/problem"
	"github.com/mie-kafka/mie/internal/view"
	"github.com/mie-kafka/mie/internal/workflow"
)

// MachineItem is a state machine or an MIE workflow. State machines are
// those executions have run (with the versions and aliases they named);
// workflows those the control plane defines.
type MachineItem struct {
	Kind       string   `json:"Kind"`
	Name       string   `json:"Name"`
	Executions int      `json:"Executions"`
	Latest     string   `json:"Latest,omitempty"`
	Versions   []string `json:"Versions"`
	Aliases    []string `json:"Aliases"`
}

// MachineDetail is one machine's definition, as JSON and as a graph, and
// its latest executions.
type MachineDetail struct {
	MachineItem
	Definition json.RawMessage `json:"Definition"`
	// Source says where the definition comes from: the workflow compiled
	// now, or the latest execution's.
	Source     string           `json:"Source"`
	Workflow   *events.Workflow `json:"Workflow,omitempty"`
	Graph      *graph.Graph     `json:"Graph,omitempty"`
	GraphError string           `json:"GraphError,omitempty"`
	Recent     []ExecutionItem  `json:"Recent"`
}

func (c *Console) routeMachines(e *echo.Echo) {
	e.GET(API+"/machines", func(ec echo.Context) error {
		all, err := c.d.Executions.Executions(ec.Request().Context(), view.Filter{})
		if err != nil {
			return err
		}
		return ec.JSON(http.StatusOK, c.machines(all))
	})
	e.GET(API+"/machines/:Kind/:Name", c.machine)
}

// machines lists the workflows, then the state machines, by name.
func (c *Console) machines(all []*view.Execution) []MachineItem {
	byKey := map[string]*MachineItem{}
	var out []*MachineItem
	add := func(kind, name string) *MachineItem {
		k := kind + "/" + name
		if m, ok := byKey[k]; ok {
			return m
		}
		m := &MachineItem{Kind: kind, Name: name, Versions: []string{}, Aliases: []string{}}
		byKey[k] = m
		out = append(out, m)
		return m
	}
	for _, wf := range c.d.Definitions.Workflows() {
		add(events.KindWorkflow, wf.Name)
	}
	for _, x := range all { // newest first: the first seen is the latest
		it := item(x)
		m := add(it.Kind, it.Machine)
		m.Executions++
		if m.Latest == "" {
			m.Latest = x.Id
		}
		if r := x.Run; r != nil && r.StateMachine != nil {
			if v := r.StateMachine.Version; v != "" && !slices.Contains(m.Versions, v) {
				m.Versions = append(m.Versions, v)
			}
			if a := r.StateMachine.Alias; a != "" && !slices.Contains(m.Aliases, a) {
				m.Aliases = append(m.Aliases, a)
			}
		}
	}
	slices.SortFunc(out, func(a, b *MachineItem) int {
		if a.Kind != b.Kind {
			return strings.Compare(b.Kind, a.Kind) // Workflow before StateMachine
		}
		return strings.Compare(a.Name, b.Name)
	})
	list := make([]MachineItem, 0, len(out))
	for _, m := range out {
		list = append(list, *m)
	}
	return list
}

func (c *Console) machine(ec echo.Context) error {
	ctx, kind, name := ec.Request().Context(), ec.Param("Kind"), ec.Param("Name")
	all, err := c.d.Executions.Executions(ctx, view.Filter{})
	if err != nil {
		return err
	}
	var d *MachineDetail
	for _, m := range c.machines(all) {
		if m.Kind == kind && m.Name == name {
			d = &MachineDetail{MachineItem: m, Recent: []ExecutionItem{}}
		}
	}
	if d == nil {
		return problem.NotFound(strings.ToLower(kind), name)
	}
	for _, x := range all {
		if it := item(x); it.Kind == kind && it.Machine == name && len(d.Recent) < 10 {
			d.Recent = append(d.Recent, it)
		}
	}
	if kind == events.KindWorkflow {
		if wf, ok := c.d.Definitions.Workflow(name); ok {
			d.Workflow = &wf
		}
		compiled, err := workflow.Compile(c.d.Definitions, name, nil, c.d.Catalog)
		if err != nil {
			return err
		}
		if d.Definition, err = compiled.Definition(c.d.OperatorTimeout, nil); err != nil {
			return err
		}
		d.Source = "the workflow's current definition, compiled to the States Language"
	} else if d.Latest != "" {
		h, err := c.d.Executions.History(ctx, d.Latest)
		if err != nil {
			return err
		}
		d.Definition, d.Source = definitionOf(h), "the definition of the latest execution, "+d.Latest
	}
	if d.Graph, err = c.draw(ctx, d.Definition); err != nil {
		d.GraphError = err.Error()
	}
	return ec.JSON(http.StatusOK, d)
}
