// Package docs embeds the documentation pages, which the console serves
// rendered under /ui/docs.
package docs

import "embed"

// FS holds every page, *.md.
//
//go:embed *.md
var FS embed.FS
