package builtin

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/processors/worker"
)

// ObjectInfo (Sync) reads each input media object from the data plane and
// describes it as an object, whatever it holds: size, SHA-256 and the
// content type sniffed from its first bytes (MediaInfo analyses media). It
// uses the whole operator helper library: one metadata page per media
// object (a paginated result, in media type order), a derived Text object
// with the summary (objectinfo.json), and workflow metadata
// ObjectInfoBytes (total bytes, a string as MIE requires) for later
// stages.
type ObjectInfo struct{}

// objectInfo is one page of ObjectInfo's results.
type objectInfo struct {
	MediaType   string `json:"MediaType"`
	S3Bucket    string `json:"S3Bucket"`
	S3Key       string `json:"S3Key"`
	Size        int64  `json:"Size"`
	SHA256      string `json:"SHA256"`
	ContentType string `json:"ContentType"`
}

// Start implements worker.Handler.
func (ObjectInfo) Start(ctx context.Context, t *worker.Task) (worker.Result, error) {
	out := worker.Outputs(ctx)
	types := make([]string, 0, len(t.Input.Media))
	for mt := range t.Input.Media {
		types = append(types, mt)
	}
	slices.Sort(types)
	if len(types) == 0 {
		return worker.Failed("ObjectInfo needs input media", ""), nil
	}
	var pages []any
	var infos []objectInfo
	var total int64
	for _, mt := range types {
		m := t.Input.Media[mt]
		info, err := describe(ctx, out, mt, m.S3Bucket, m.S3Key)
		if err != nil {
			return worker.Result{}, err
		}
		total += info.Size
		infos = append(infos, info)
		pages = append(pages, info)
	}
	if err := out.StoreMetadataPages(ctx, pages...); err != nil {
		return worker.Result{}, err
	}
	summary, err := json.MarshalIndent(infos, "", "  ")
	if err != nil {
		return worker.Result{}, err
	}
	if _, err := out.AddMediaObject(ctx, "Text", "objectinfo.json", bytes.NewReader(summary), int64(len(summary)), "application/json"); err != nil {
		return worker.Result{}, err
	}
	return worker.Complete(nil, map[string]any{"ObjectInfoBytes": strconv.FormatInt(total, 10)}), nil
}

func describe(ctx context.Context, out *worker.Output, mediaType, bucket, key string) (objectInfo, error) {
	r, _, err := out.Open(ctx, events.MediaObject{S3Bucket: bucket, S3Key: key})
	if err != nil {
		return objectInfo{}, fmt.Errorf("open %s input %s/%s: %w", mediaType, bucket, key, err)
	}
	defer r.Close()
	head := make([]byte, 512)
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return objectInfo{}, fmt.Errorf("read %s: %w", key, err)
	}
	head = head[:n]
	h := sha256.New()
	h.Write(head)
	rest, err := io.Copy(h, r)
	if err != nil {
		return objectInfo{}, fmt.Errorf("read %s: %w", key, err)
	}
	return objectInfo{MediaType: mediaType, S3Bucket: bucket, S3Key: key, Size: int64(n) + rest,
		SHA256: hex.EncodeToString(h.Sum(nil)), ContentType: http.DetectContentType(head)}, nil
}
