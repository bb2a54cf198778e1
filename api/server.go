// Package api serves MIE's REST API (control plane now; data plane later)
// with Echo.
package api

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/mie-kafka/mie/projections"
)

// Versions reported by GET /version.
const (
	ApiVersion       = "3.0.0"
	FrameworkVersion = "v3.0.0-kafka"
)

// Config wires the API to the engine.
type Config struct {
	Logger *slog.Logger
	// Definitions is the control plane: operators, stages, workflows and
	// system configuration.
	Definitions Definitions
	// Executions starts, cancels and resumes executions, and reads them
	// from the projection.
	Executions Executions
	// Dataplane, when set, serves MIE's data plane API under /dataplane.
	Dataplane Dataplane
	// Triggers, when set, serves the upload trigger routes.
	Triggers Triggers
	// Segments, when set, serves GET /segments (the ingest window's
	// segment projection).
	Segments projections.Segments
	// Projections, when set, serves GET /projections and GET /metrics.
	Projections Projections
	// AWS serves AWS's JSON protocols on POST /, each handler taking the
	// requests whose X-Amz-Target starts with its key
	// ("DynamoDB_20120810."); AWSQuery, when set, takes the form-encoded
	// requests of AWS's query protocol; StepFunctions takes the rest
	// (aws.go).
	AWS      map[string]http.Handler
	AWSQuery http.Handler
	// Functions, when set, serves /functions.
	Functions Functions
	// StepFunctions, when set, serves the AWS Step Functions API at
	// POST / (api/sfn).
	StepFunctions Router
}

// Router adds its routes to the server.
type Router interface {
	Route(e *echo.Echo)
}

// Validate joins every problem with the configuration.
func (c Config) Validate() error {
	var errs []error
	if c.Logger == nil {
		errs = append(errs, errors.New("api: Logger is required"))
	}
	if c.Definitions == nil {
		errs = append(errs, errors.New("api: Definitions is required"))
	}
	if c.Executions == nil {
		errs = append(errs, errors.New("api: Executions is required"))
	}
	return errors.Join(errs...)
}

// New builds the Echo server with every route.
func New(cfg Config) (*echo.Echo, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = errorHandler(cfg.Logger)
	e.Use(middleware.Recover())
	// JSON bodies are bounded; uploads stream and have their own limit.
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{
		Limit: "16M",
		// Uploads stream; the Step Functions API (POST /) bounds its own
		// bodies and answers in AWS's error shape.
		Skipper: func(c echo.Context) bool {
			return c.Path() == DataplanePrefix+"/upload" || c.Request().Method == http.MethodPost && c.Path() == "/"
		},
	}))

	e.GET("/", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"Message": "Media Insights Engine workflow API", "ApiVersion": ApiVersion})
	})
	e.GET("/version", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"ApiVersion": ApiVersion, "FrameworkVersion": FrameworkVersion})
	})
	routeDefinitions(e, cfg.Definitions)
	routeExecutions(e, cfg.Executions)
	if cfg.Dataplane != nil {
		routeDataplane(e, cfg.Dataplane)
	}
	if cfg.Triggers != nil {
		routeTriggers(e, cfg.Triggers)
	}
	if cfg.Segments != nil {
		routeSegments(e, cfg.Segments)
	}
	if cfg.Projections != nil {
		routeProjections(e, cfg.Projections)
	}
	if cfg.Functions != nil {
		routeFunctions(e, cfg.Functions)
	}
	if len(cfg.AWS) > 0 || cfg.AWSQuery != nil {
		e.Use(awsTargets(cfg.AWS, cfg.AWSQuery))
	}
	switch {
	case cfg.StepFunctions != nil:
		cfg.StepFunctions.Route(e)
	case len(cfg.AWS) > 0 || cfg.AWSQuery != nil:
		e.POST("/", unknownTarget)
	}
	return e, nil
}
