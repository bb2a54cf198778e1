package console

import (
	_ "embed"
	"net/http"

	"github.com/labstack/echo/v4"
)

// OpenAPI is the OpenAPI 3.1 document of the REST API (openapi.json):
// MIE's control and data plane routes, the functions, segments and
// projections routes, and the console's own /ui/api routes.
//
//go:embed openapi.json
var OpenAPI []byte

func routeOpenAPI(e *echo.Echo) {
	e.GET("/openapi.json", func(ec echo.Context) error {
		return ec.Blob(http.StatusOK, echo.MIMEApplicationJSON, OpenAPI)
	})
}
