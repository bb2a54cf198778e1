package api

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/mie-kafka/mie/internal/view"

	"github.com/labstack/echo/v4"

	"github.com/mie-kafka/mie/api/dataplane"
	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/internal/objectstore"
	"github.com/mie-kafka/mie/internal/problem"
)

// DataplanePrefix is where MIE's data plane API is mounted.
const DataplanePrefix = "/dataplane"

// Page sizes of the data plane listings.
const (
	defaultPageSize = 10
	maxPageSize     = 1000
)

// Dataplane is what the data plane routes need (internal/dataplane).
type Dataplane interface {
	CreateAsset(ctx context.Context, in dataplane.CreateInput) (*view.Asset, error)
	Asset(ctx context.Context, id string) (*view.Asset, error)
	Assets(ctx context.Context, cursor string, limit int) ([]view.Asset, string, error)
	DeleteAsset(ctx context.Context, id string) error
	MediaPathOf(ctx context.Context, assetID, workflowID string) (events.MediaObject, error)
	StoreMetadata(ctx context.Context, assetID string, in dataplane.MetadataInput, paginated, end bool) (*dataplane.Stored, error)
	Metadata(ctx context.Context, assetID, cursor string, limit int) ([]dataplane.Page, string, error)
	OperatorMetadata(ctx context.Context, assetID, operator, cursor string) (*dataplane.Page, string, error)
	DeleteMetadata(ctx context.Context, assetID, operator string) error
	UploadObject(ctx context.Context, key string, r io.Reader, size int64, contentType string) (*dataplane.Upload, error)
	PresignUpload(ctx context.Context, key string) (*dataplane.Presigned, error)
	CompleteUpload(ctx context.Context, key string) (*dataplane.Upload, error)
	Download(ctx context.Context, bucket, key string) (io.ReadCloser, objectstore.Info, error)
	PresignDownload(ctx context.Context, bucket, key string) (*dataplane.Presigned, error)
	Presigns() bool
	Bucket() string
	UploadLimit() int64
}

// assetView is an asset in the data plane's snake_case.
type assetView struct {
	AssetId   string      `json:"asset_id"`
	MediaType string      `json:"media_type"`
	S3Bucket  string      `json:"s3_bucket"`
	S3Key     string      `json:"s3_key"`
	Created   string      `json:"created"`
	Media     []mediaView `json:"media"`
	Operators []string    `json:"operators"`
}

type mediaView struct {
	MediaType  string `json:"media_type"`
	S3Bucket   string `json:"s3_bucket"`
	S3Key      string `json:"s3_key"`
	Operator   string `json:"operator,omitempty"`
	WorkflowId string `json:"workflow_id,omitempty"`
}

func viewAsset(a *view.Asset) assetView {
	v := assetView{AssetId: a.AssetId, MediaType: a.MediaType, S3Bucket: a.S3Bucket, S3Key: a.S3Key,
		Created: a.Created.UTC().Format("2006-01-02T15:04:05.000Z07:00"), Media: []mediaView{}, Operators: a.Operators}
	if v.Operators == nil {
		v.Operators = []string{}
	}
	for _, m := range a.Media {
		v.Media = append(v.Media, mediaView{MediaType: m.MediaType, S3Bucket: m.S3Bucket, S3Key: m.S3Key,
			Operator: m.OperatorName, WorkflowId: m.WorkflowExecutionId})
	}
	return v
}

// pageSize reads ?limit=, defaulting and bounding it.
func pageSize(c echo.Context) (int, error) {
	s := c.QueryParam("limit")
	if s == "" {
		return defaultPageSize, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxPageSize {
		return 0, problem.Invalid("limit", "%q: want an integer from 1 to %d", s, maxPageSize)
	}
	return n, nil
}

// boolParam reads a true/false query parameter; absent is false.
func boolParam(c echo.Context, name string) (bool, error) {
	s := c.QueryParam(name)
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, problem.Invalid(name, "%q: want true or false", s)
	}
	return b, nil
}

// withCursor adds "cursor" to a response when there is a next page.
func withCursor(body map[string]any, next string) map[string]any {
	if next != "" {
		body["cursor"] = next
	}
	return body
}

func routeDataplane(e *echo.Echo, d Dataplane) {
	g := e.Group(DataplanePrefix)
	g.GET("", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"Message": "Media Insights Engine data plane API", "ApiVersion": ApiVersion})
	})
	g.GET("/version", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"ApiVersion": ApiVersion, "FrameworkVersion": FrameworkVersion})
	})
	g.POST("/create", func(c echo.Context) error {
		var req struct {
			Input *dataplane.CreateInput `json:"Input"`
		}
		if err := bind(c, &req); err != nil {
			return err
		}
		if req.Input == nil {
			return problem.Invalid("Input", `is required: {"Input": {"MediaType": "Video", "S3Bucket": "...", "S3Key": "..."}}`)
		}
		a, err := d.CreateAsset(c.Request().Context(), *req.Input)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, map[string]string{"AssetId": a.AssetId, "MediaType": a.MediaType, "S3Bucket": a.S3Bucket, "S3Key": a.S3Key})
	})
	g.POST("/upload", func(c echo.Context) error { return upload(c, d) })
	g.POST("/upload/complete", func(c echo.Context) error {
		var req struct {
			S3Key string `json:"S3Key"`
		}
		if err := bind(c, &req); err != nil {
			return err
		}
		up, err := d.CompleteUpload(c.Request().Context(), req.S3Key)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, up)
	})
	g.POST("/download", func(c echo.Context) error { return download(c, d) })
	g.GET("/metadata", func(c echo.Context) error {
		limit, err := pageSize(c)
		if err != nil {
			return err
		}
		list, next, err := d.Assets(c.Request().Context(), c.QueryParam("cursor"), limit)
		if err != nil {
			return err
		}
		views := make([]assetView, 0, len(list))
		for i := range list {
			views = append(views, viewAsset(&list[i]))
		}
		return c.JSON(http.StatusOK, withCursor(map[string]any{"assets": views}, next))
	})
	g.GET("/metadata/:asset_id", func(c echo.Context) error {
		limit, err := pageSize(c)
		if err != nil {
			return err
		}
		ctx, id := c.Request().Context(), c.Param("asset_id")
		a, err := d.Asset(ctx, id)
		if err != nil {
			return err
		}
		pages, next, err := d.Metadata(ctx, id, c.QueryParam("cursor"), limit)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, withCursor(map[string]any{"asset_id": id, "asset": viewAsset(a), "metadata": pages}, next))
	})
	g.POST("/metadata/:asset_id", func(c echo.Context) error {
		paginated, err := boolParam(c, "paginated")
		if err != nil {
			return err
		}
		end, err := boolParam(c, "end")
		if err != nil {
			return err
		}
		if end && !paginated {
			return problem.Invalid("end", "applies to paginated results: add paginated=true")
		}
		var in dataplane.MetadataInput
		if err := bind(c, &in); err != nil {
			return err
		}
		st, err := d.StoreMetadata(c.Request().Context(), c.Param("asset_id"), in, paginated, end)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, st)
	})
	g.GET("/metadata/:asset_id/:operator_name", func(c echo.Context) error {
		id, op := c.Param("asset_id"), c.Param("operator_name")
		p, next, err := d.OperatorMetadata(c.Request().Context(), id, op, c.QueryParam("cursor"))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, withCursor(map[string]any{"asset_id": id, "operator": op,
			"workflow_id": p.WorkflowId, "page": p.Page, "final": p.Final, "results": p.Results}, next))
	})
	g.DELETE("/metadata/:asset_id/:operator_name", func(c echo.Context) error {
		id, op := c.Param("asset_id"), c.Param("operator_name")
		if err := d.DeleteMetadata(c.Request().Context(), id, op); err != nil {
			return err
		}
		return c.JSON(http.StatusOK, map[string]string{"asset_id": id, "operator": op, "status": "deleted"})
	})
	g.DELETE("/metadata/:asset_id", func(c echo.Context) error {
		id := c.Param("asset_id")
		if err := d.DeleteAsset(c.Request().Context(), id); err != nil {
			return err
		}
		return c.JSON(http.StatusOK, map[string]string{"asset_id": id, "status": "deleted"})
	})
	g.GET("/mediapath/:asset_id/:workflow_id", func(c echo.Context) error {
		m, err := d.MediaPathOf(c.Request().Context(), c.Param("asset_id"), c.Param("workflow_id"))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, map[string]string{"S3Bucket": m.S3Bucket, "S3Key": m.S3Key})
	})
}

// upload stores the request body (raw, or the first file of a multipart
// form) streamed, or, for a JSON body {"S3Key": ...}, hands out a
// presigned PUT URL (S3).
func upload(c echo.Context, d Dataplane) error {
	req := c.Request()
	ctx := req.Context()
	mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	key := c.QueryParam("key")
	switch mt {
	case echo.MIMEApplicationJSON:
		var body struct {
			S3Key string `json:"S3Key"`
		}
		if err := bind(c, &body); err != nil {
			return err
		}
		p, err := d.PresignUpload(ctx, body.S3Key)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, p)
	case echo.MIMEMultipartForm:
		mr, err := req.MultipartReader()
		if err != nil {
			return problem.Invalid("body", "malformed multipart form: %v", err)
		}
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				return problem.Invalid("file", "the form has no file part")
			}
			if err != nil {
				return problem.Invalid("body", "malformed multipart form: %v", err)
			}
			if part.FileName() == "" {
				continue
			}
			if key == "" {
				key = part.FileName()
			}
			up, err := d.UploadObject(ctx, key, part, -1, part.Header.Get(echo.HeaderContentType))
			if err != nil {
				return err
			}
			return c.JSON(http.StatusOK, up)
		}
	}
	if key == "" {
		return problem.Invalid("key", "is required: POST /dataplane/upload?key=<object key> with the bytes as the body")
	}
	if req.ContentLength > d.UploadLimit() {
		return fmt.Errorf("%w: upload of %d bytes is over the %d-byte limit (--upload-limit)", problem.ErrTooLarge, req.ContentLength, d.UploadLimit())
	}
	ct := req.Header.Get(echo.HeaderContentType)
	if ct == "application/x-www-form-urlencoded" {
		ct = "" // curl --data-binary's default says nothing about the bytes
	}
	up, err := d.UploadObject(ctx, key, req.Body, req.ContentLength, ct)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, up)
}

// download streams an object, or hands out a presigned GET URL when the
// store presigns and ?stream=true was not asked for.
func download(c echo.Context, d Dataplane) error {
	var req struct {
		S3Bucket string `json:"S3Bucket"`
		S3Key    string `json:"S3Key"`
	}
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.S3Bucket == "" {
		req.S3Bucket = d.Bucket()
	}
	stream, err := boolParam(c, "stream")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if d.Presigns() && !stream {
		p, err := d.PresignDownload(ctx, req.S3Bucket, req.S3Key)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, p)
	}
	r, info, err := d.Download(ctx, req.S3Bucket, req.S3Key)
	if err != nil {
		return err
	}
	defer r.Close()
	h := c.Response().Header()
	if info.Size >= 0 {
		h.Set(echo.HeaderContentLength, strconv.FormatInt(info.Size, 10))
	}
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": baseName(info.Key)}))
	ct := info.ContentType
	if ct == "" {
		ct = echo.MIMEOctetStream
	}
	return c.Stream(http.StatusOK, ct, r)
}

func baseName(key string) string {
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		return key[i+1:]
	}
	return key
}
