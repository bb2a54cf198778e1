package clickhouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// LiveGeneration is the live generation of a projection: 1 until a rebuild
// swaps another in (projection_versions).
func LiveGeneration(ctx context.Context, conn Conn, projection string) (uint32, error) {
	var gen uint32
	err := conn.QueryRow(ctx, "SELECT generation FROM projection_versions FINAL WHERE name = ?", projection).Scan(&gen)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return 1, nil
		}
		return 0, Classify(fmt.Errorf("read projection_versions: %w", err))
	}
	return max(gen, 1), nil
}
