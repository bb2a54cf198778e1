package console

import (
	"fmt"
	"mime"
	"net/http"
	"path"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/mie-kafka/mie/internal/problem"
)

// routeObjects serves objects of the object store by GET, so that a
// <video>, an <img> or an HLS playlist's relative segment URIs reach
// them: /ui/api/objects/<bucket>/<key>.
func (c *Console) routeObjects(e *echo.Echo) {
	e.GET(API+"/objects/:Bucket/*", func(ec echo.Context) error {
		if c.d.Objects == nil {
			return fmt.Errorf("%w: this API instance serves no data plane", problem.ErrUnavailable)
		}
		bucket, key := ec.Param("Bucket"), ec.Param("*")
		r, info, err := c.d.Objects.Download(ec.Request().Context(), bucket, key)
		if err != nil {
			return err
		}
		defer r.Close()
		h := ec.Response().Header()
		if info.Size >= 0 {
			h.Set(echo.HeaderContentLength, strconv.FormatInt(info.Size, 10))
		}
		h.Set("X-Content-Type-Options", "nosniff")
		return ec.Stream(http.StatusOK, contentType(info.ContentType, key), r)
	})
}

// contentType is the object's type, or the one its name implies (HLS
// playlists and segments included).
func contentType(stored, key string) string {
	if stored != "" && stored != echo.MIMEOctetStream {
		return stored
	}
	switch path.Ext(key) {
	case ".m3u8":
		return "application/vnd.apple.mpegurl"
	case ".ts":
		return "video/mp2t"
	case ".m4s":
		return "video/iso.segment"
	}
	if t := mime.TypeByExtension(path.Ext(key)); t != "" {
		return t
	}
	return echo.MIMEOctetStream
}
