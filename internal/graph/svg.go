package graph

import (
	"fmt"
	"html"
	"regexp"
	"strings"
)

var (
	comments  = regexp.MustCompile(`(?s)<!--.*?-->\n?`)
	stateNode = regexp.MustCompile(`<g id="(s\d+)" class="node state">\n<title>s\d+</title>`)
)

// annotate makes Graphviz's SVG inlinable (no prolog, doctype or
// comments) and marks every state's node: data-state, data-status,
// data-type, its name as its title, and what makes it a keyboard target
// (tabindex, role and aria-label).
func annotate(svg string, nodes []Node) (string, error) {
	i := strings.Index(svg, "<svg")
	if i < 0 {
		return "", fmt.Errorf("graph: graphviz wrote no <svg> element")
	}
	svg = comments.ReplaceAllString(svg[i:], "")
	svg = strings.Replace(svg, "<svg ", `<svg class="machine" role="group" aria-label="State machine graph" `, 1)
	byID := make(map[string]*Node, len(nodes))
	for i := range nodes {
		byID[nodes[i].ID] = &nodes[i]
	}
	seen := 0
	svg = stateNode.ReplaceAllStringFunc(svg, func(m string) string {
		n := byID[stateNode.FindStringSubmatch(m)[1]]
		if n == nil {
			return m
		}
		seen++
		name := html.EscapeString(n.State)
		return fmt.Sprintf(`<g id="%s" class="node state" data-state="%s" data-status="%s" data-type="%s" tabindex="0" role="button" aria-label="%s (%s)">`+"\n<title>%s</title>",
			n.ID, name, StatusNotStarted, n.Type, name, n.Type, name)
	})
	if seen != len(nodes) {
		return "", fmt.Errorf("graph: graphviz's SVG has %d of the %d states' nodes", seen, len(nodes))
	}
	return svg, nil
}
