package console

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"

	"github.com/mie-kafka/mie/internal/problem"
)

// md renders GitHub-flavoured Markdown (tables, strikethrough, autolinks)
// with heading ids; raw HTML in a page is not passed through.
var md = goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithParserOptions(parser.WithAutoHeadingID()))

// mdLink is a link to another page of the docs, to rewrite to its
// /ui/docs URL.
var mdLink = regexp.MustCompile(`href="([a-z0-9-]+)\.md(#[^"]*)?"`)

var docPage = template.Must(template.New("doc").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · mie docs</title><link rel="stylesheet" href="/ui/static/style.css"></head>
<body class="docs"><a class="skip" href="#doc">Skip to the page</a>
<header class="top"><a class="brand" href="/ui/">mie console</a><nav aria-label="Docs">
{{range .Pages}}<a href="/ui/docs/{{.}}"{{if eq . $.Name}} aria-current="page"{{end}}>{{.}}</a> {{end}}</nav></header>
<main id="doc" class="doc">{{.Body}}</main></body></html>`))

// routeDocs serves docs/*.md rendered under /ui/docs/<name>, and the list
// of pages at /ui/docs.
func (c *Console) routeDocs(e *echo.Echo) {
	e.GET(Prefix+"/docs", func(ec echo.Context) error { return c.doc(ec, "") })
	e.GET(Prefix+"/docs/:Name", func(ec echo.Context) error { return c.doc(ec, strings.TrimSuffix(ec.Param("Name"), ".md")) })
}

func (c *Console) docPages() []string {
	if c.d.Docs == nil {
		return nil
	}
	names, _ := fs.Glob(c.d.Docs, "*.md")
	out := make([]string, 0, len(names))
	for _, n := range names {
		out = append(out, strings.TrimSuffix(n, ".md"))
	}
	sort.Strings(out)
	return out
}

func (c *Console) doc(ec echo.Context, name string) error {
	pages := c.docPages()
	var body bytes.Buffer
	title := "Docs"
	if name == "" {
		body.WriteString("<h1>Docs</h1><ul>")
		for _, p := range pages {
			fmt.Fprintf(&body, `<li><a href="/ui/docs/%s">%s</a></li>`, p, html.EscapeString(p))
		}
		body.WriteString("</ul>")
	} else {
		if c.d.Docs == nil || strings.ContainsAny(name, "/\\") {
			return problem.NotFound("doc", name)
		}
		src, err := fs.ReadFile(c.d.Docs, path.Clean(name)+".md")
		if err != nil {
			return problem.NotFound("doc", name)
		}
		if err := md.Convert(src, &body); err != nil {
			return fmt.Errorf("render %s.md: %w", name, err)
		}
		title = name
	}
	out := mdLink.ReplaceAll(body.Bytes(), []byte(`href="/ui/docs/$1$2"`))
	ec.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	ec.Response().WriteHeader(http.StatusOK)
	return docPage.Execute(ec.Response(), map[string]any{"Title": title, "Name": name, "Pages": pages,
		"Body": template.HTML(out)}) // goldmark escapes text and drops raw HTML
}
