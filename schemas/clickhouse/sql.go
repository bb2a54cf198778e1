// Package chsql holds the ClickHouse SQL of the engine as files, so that it
// can be read, reviewed and run by hand: the schema as ordered migrations
// (NNN_name.sql) and the analysts' reports (reports/*.sql).
// docs/clickhouse.md explains the schema, docs/reporting.md the reports.
package chsql

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

//go:embed *.sql reports/*.sql
var files embed.FS

// Migration is one schema file: its statements run in order, each
// idempotent (CREATE TABLE ... IF NOT EXISTS, ADD COLUMN IF NOT EXISTS), so a partly applied migration can
// run again.
type Migration struct {
	Version    int
	Name       string
	File       string
	Statements []string
	// Checksum is the SHA-256 of the file; a recorded migration whose file
	// changed afterwards is an error, not silently skipped.
	Checksum string
}

// Report is one analyst query.
type Report struct {
	Name string
	File string
	SQL  string
}

var migrationFile = regexp.MustCompile(`^(\d{3})_([a-z0-9_]+)\.sql$`)

// ErrBadMigration is wrapped by every problem with the migration files.
var ErrBadMigration = errors.New("bad migration file")

// Migrations returns the embedded migrations in version order.
func Migrations() ([]Migration, error) { return ParseMigrations(files) }

// ParseMigrations reads NNN_name.sql files at the root of fsys. Versions
// must be unique; every file must hold at least one statement.
func ParseMigrations(fsys fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []Migration
	var errs []error
	seen := map[int]string{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		m := migrationFile.FindStringSubmatch(e.Name())
		if m == nil {
			errs = append(errs, fmt.Errorf("%w: %s: name it NNN_name.sql (three digits, lower case)", ErrBadMigration, e.Name()))
			continue
		}
		v, _ := strconv.Atoi(m[1])
		if v == 0 {
			errs = append(errs, fmt.Errorf("%w: %s: versions start at 001", ErrBadMigration, e.Name()))
			continue
		}
		if prev, dup := seen[v]; dup {
			errs = append(errs, fmt.Errorf("%w: %s and %s share version %03d", ErrBadMigration, prev, e.Name(), v))
			continue
		}
		seen[v] = e.Name()
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			errs = append(errs, fmt.Errorf("read %s: %w", e.Name(), err))
			continue
		}
		stmts := Split(string(b))
		if len(stmts) == 0 {
			errs = append(errs, fmt.Errorf("%w: %s has no statement", ErrBadMigration, e.Name()))
			continue
		}
		sum := sha256.Sum256(b)
		out = append(out, Migration{Version: v, Name: m[2], File: e.Name(), Statements: stmts, Checksum: hex.EncodeToString(sum[:])})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, errors.Join(errs...)
}

// Reports returns the embedded reports by name (the file name without
// .sql).
func Reports() ([]Report, error) {
	names, err := fs.Glob(files, "reports/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]Report, 0, len(names))
	for _, n := range names {
		b, err := fs.ReadFile(files, n)
		if err != nil {
			return nil, err
		}
		stmts := Split(string(b))
		if len(stmts) != 1 {
			return nil, fmt.Errorf("report %s: want exactly one statement, got %d", n, len(stmts))
		}
		out = append(out, Report{Name: strings.TrimSuffix(path.Base(n), ".sql"), File: n, SQL: stmts[0]})
	}
	return out, nil
}

// ReportNamed returns one report by name.
func ReportNamed(name string) (Report, error) {
	rs, err := Reports()
	if err != nil {
		return Report{}, err
	}
	for _, r := range rs {
		if r.Name == name {
			return r, nil
		}
	}
	return Report{}, fmt.Errorf("no report %q", name)
}

// Split cuts SQL text into statements at semicolons outside quotes and
// comments, dropping comments and empty statements. ClickHouse takes one
// statement per query, so files are run statement by statement.
func Split(sql string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, s)
		}
		cur.Reset()
	}
	for i := 0; i < len(sql); i++ {
		c := sql[i]
		switch {
		case c == '-' && i+1 < len(sql) && sql[i+1] == '-':
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
			cur.WriteByte('\n')
		case c == '/' && i+1 < len(sql) && sql[i+1] == '*':
			end := strings.Index(sql[i+2:], "*/")
			if end < 0 {
				i = len(sql)
			} else {
				i += end + 3
			}
			cur.WriteByte(' ')
		case c == '\'' || c == '"' || c == '`':
			j := i + 1
			for j < len(sql) && sql[j] != c {
				if sql[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(sql) {
				j = len(sql) - 1
			}
			cur.WriteString(sql[i : j+1])
			i = j
		case c == ';':
			flush()
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return out
}
