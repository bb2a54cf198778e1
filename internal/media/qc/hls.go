package qc

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mie-kafka/mie/internal/media/hls"
	"github.com/mie-kafka/mie/internal/media/probe"
)

// Size is a picture size.
type Size struct{ Width, Height int }

// HLSReport is an HLS package's report: the package's checks (each
// passes when it passes for every variant) and one report per variant.
type HLSReport struct {
	Report
	Variants []*Report `json:"variants"`
}

// HLS checks the package whose master playlist is at masterPath (a media
// playlist is taken as a package of one variant). Variant playlists and
// segments are read relative to it. exp applies to every variant; sizes,
// when given, are the expected sizes of the variants in master order
// (otherwise each variant must have the RESOLUTION the master declares).
func (c *Checker) HLS(ctx context.Context, masterPath string, exp Expect, sizes []Size) (*HLSReport, error) {
	r := &HLSReport{Report: Report{Path: masterPath}}
	variants, ok := c.masterVariants(&r.Report, masterPath)
	if !ok {
		r.finish()
		return r, nil
	}
	for i, v := range variants {
		ve := exp
		switch {
		case i < len(sizes):
			ve.Width, ve.Height = sizes[i].Width, sizes[i].Height
		case v.Width > 0:
			ve.Width, ve.Height = v.Width, v.Height
		}
		vr, err := c.variant(ctx, filepath.Join(filepath.Dir(masterPath), filepath.FromSlash(v.URI)), ve)
		if err != nil {
			return nil, err
		}
		r.Variants = append(r.Variants, vr)
		r.Size += vr.Size
	}
	r.merge()
	return r, nil
}

// masterVariants checks the master playlist and lists its variants.
func (c *Checker) masterVariants(r *Report, masterPath string) ([]hls.Variant, bool) {
	f, err := os.Open(masterPath)
	if err != nil {
		r.add(Exists, false, "%v", err)
		return nil, false
	}
	defer f.Close()
	r.add(Exists, true, "%s", filepath.Base(masterPath))
	p, err := hls.Parse(f)
	switch {
	case err != nil:
		r.add(Playlist, false, "%s: %v", filepath.Base(masterPath), err)
		return nil, false
	case p.Media != nil:
		return []hls.Variant{{URI: filepath.Base(masterPath)}}, true
	case len(p.Master.Variants) == 0:
		r.add(Playlist, false, "the master playlist has no variants")
		return nil, false
	}
	return p.Master.Variants, true
}

// variant checks one variant playlist and its segments, and decodes it.
func (c *Checker) variant(ctx context.Context, path string, exp Expect) (*Report, error) {
	r := &Report{Path: path}
	f, err := os.Open(path)
	if err != nil {
		r.add(Playlist, false, "%v", err)
		return r.finish(), nil
	}
	p, err := hls.Parse(f)
	f.Close()
	if err != nil || p.Media == nil {
		r.add(Playlist, false, "%s: not a media playlist: %v", filepath.Base(path), err)
		return r.finish(), nil
	}
	r.add(Playlist, true, "%d segments, %.3f s", len(p.Media.Segments), p.Media.Duration())
	r.Size = c.segments(r, filepath.Dir(path), p.Media, exp.SegmentLength)
	m, err := probe.WithTools(ctx, c.tools, path)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		r.add(Decodes, false, "%v", err)
		return r.finish(), nil
	}
	d, err := c.detect(ctx, path, m)
	if err != nil {
		return nil, err
	}
	c.decoded(r, d, m, exp)
	return r.finish(), nil
}

// segments checks that every segment exists and lasts about the segment
// length; it returns their total size.
func (c *Checker) segments(r *Report, dir string, m *hls.Media, length float64) int64 {
	var problems []string
	var total int64
	sizes := map[string]int64{}
	for i, s := range m.Segments {
		size, seen := sizes[s.URI]
		if !seen {
			st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(s.URI)))
			switch {
			case err != nil:
				problems = append(problems, fmt.Sprintf("segment %s is missing", s.URI))
				size = -1
			case st.Size() == 0:
				problems = append(problems, fmt.Sprintf("segment %s is empty", s.URI))
			default:
				size = st.Size()
				total += size
			}
			sizes[s.URI] = size
		}
		if s.Length > 0 && size >= 0 && s.Offset+s.Length > size {
			problems = append(problems, fmt.Sprintf("segment %d's byte range ends past %s", i+1, s.URI))
		}
		last := i == len(m.Segments)-1
		target := float64(m.TargetDuration)
		if length > 0 {
			target = length
		}
		if s.Duration > target+c.cfg.SegmentSlack || (length > 0 && !last && s.Duration < length-c.cfg.SegmentSlack) {
			problems = append(problems, fmt.Sprintf("segment %d lasts %.3f s, %.3f s expected", i+1, s.Duration, target))
		}
	}
	if len(m.Segments) == 0 {
		problems = append(problems, "no segments")
	}
	if len(problems) == 0 {
		r.add(Segments, true, "%d segments present, durations within %.1f s of %.1f s", len(m.Segments), c.cfg.SegmentSlack, length)
	} else {
		r.add(Segments, false, "%s", strings.Join(problems, "; "))
	}
	return total
}

// merge makes the package's checks from its variants': a check passes
// when it passes for every variant.
func (r *HLSReport) merge() {
	byName := map[CheckName]*Check{}
	var order []CheckName
	for _, v := range r.Variants {
		for _, c := range v.Checks {
			m, ok := byName[c.Name]
			if !ok {
				m = &Check{Name: c.Name, Passed: true}
				byName[c.Name] = m
				order = append(order, c.Name)
			}
			if !c.Passed {
				m.Passed = false
			}
			if m.Detail != "" {
				m.Detail += "; "
			}
			m.Detail += filepath.Base(v.Path) + ": " + c.Detail
		}
		r.Duration = max(r.Duration, v.Duration)
		if v.Width*v.Height > r.Width*r.Height {
			r.Width, r.Height = v.Width, v.Height
		}
	}
	for _, n := range order {
		r.Checks = append(r.Checks, *byName[n])
	}
	r.finish()
}

// Captures checks frame captures: at least one, want of them when want
// is positive, each a decodable picture of the expected size.
func (c *Checker) Captures(ctx context.Context, paths []string, exp Expect) (*Report, error) {
	r := &Report{}
	if len(paths) > 0 {
		r.Path = paths[0]
	}
	switch {
	case len(paths) == 0:
		r.add(Exists, false, "no frame captures")
		return r.finish(), nil
	case exp.Captures > 0:
		r.add(Captures, len(paths) == exp.Captures, "%d captures, %d expected", len(paths), exp.Captures)
	}
	var bad, wrongSize []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil || st.Size() == 0 {
			bad = append(bad, filepath.Base(p)+": "+existsDetail(err))
			continue
		}
		r.Size += st.Size()
		m, err := probe.WithTools(ctx, c.tools, p)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			bad = append(bad, fmt.Sprintf("%s: %v", filepath.Base(p), err))
			continue
		}
		v, _ := m.FirstVideo()
		r.Width, r.Height = v.Width, v.Height
		if v.Width != exp.Width || v.Height != exp.Height {
			wrongSize = append(wrongSize, fmt.Sprintf("%s is %dx%d", filepath.Base(p), v.Width, v.Height))
		}
	}
	r.add(Decodes, len(bad) == 0, "%d captures%s", len(paths), detailList(bad))
	if exp.Width > 0 || exp.Height > 0 {
		r.add(Resolution, len(wrongSize) == 0, "%dx%d expected%s", exp.Width, exp.Height, detailList(wrongSize))
	}
	return r.finish(), nil
}

func detailList(items []string) string {
	if len(items) == 0 {
		return ", all good"
	}
	return ": " + strings.Join(items, "; ")
}
