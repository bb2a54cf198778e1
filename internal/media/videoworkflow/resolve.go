package videoworkflow

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/mie-kafka/mie/internal/media/hls"
	"github.com/mie-kafka/mie/internal/problem"
)

// OutputRef is one entry of the machine's outputs list.
type OutputRef struct {
	Format string `json:"format"`
	Bucket string `json:"bucket"`
	Key    string `json:"key"`
}

// Resolving an output entry. The reference's ProcessingComplete names its
// outputs by keys that are not objects: "mp4/<jobId>/output",
// "hls/<jobId>/index.m3u8", "thumbnails/<jobId>/thumbnails". MediaConvert
// names the files after the input (talk_1080p.mp4, talk.m3u8,
// talk_thumb.0000000.jpg), so those keys stand for the folder they sit
// in. An entry resolves to the object its key names when that object
// exists, and otherwise to the files of its format in the key's folder
// (and below): for "mp4" the .mp4, .mov, .m4v and .m2ts files; for "hls"
// the master playlists (a folder of variant playlists without a master:
// each variant); for "thumbnails" the .jpg files.
var formatExtensions = map[string][]string{
	"mp4":        {".mp4", ".mov", ".m4v", ".m2ts"},
	"hls":        {".m3u8"},
	"thumbnails": {".jpg", ".jpeg"},
}

// resolve lists the keys an entry stands for.
func (f *Functions) resolve(ctx context.Context, ref OutputRef) (prefix string, keys []string, err error) {
	if _, err := f.cfg.Store.Stat(ctx, ref.Bucket, ref.Key); err == nil {
		return path.Dir(ref.Key) + "/", []string{ref.Key}, nil
	} else if !errors.Is(err, problem.ErrNotFound) {
		return "", nil, fmt.Errorf("s3://%s/%s: %w", ref.Bucket, ref.Key, err)
	}
	prefix = path.Dir(ref.Key) + "/"
	if prefix == "./" {
		prefix = ""
	}
	list, err := f.cfg.Store.List(ctx, ref.Bucket, prefix)
	if errors.Is(err, problem.ErrNotFound) {
		return prefix, nil, nil // no bucket: no outputs
	}
	if err != nil {
		return "", nil, fmt.Errorf("listing s3://%s/%s: %w", ref.Bucket, prefix, err)
	}
	for _, o := range list {
		if slices.Contains(formatExtensions[ref.Format], strings.ToLower(path.Ext(o.Key))) {
			keys = append(keys, o.Key)
		}
	}
	return prefix, keys, nil
}

// hlsMasters downloads an HLS folder and returns the local paths of its
// master playlists (or of its variant playlists, when it has no master).
func (f *Functions) hlsMasters(ctx context.Context, dir, bucket, prefix string, playlists []string) (map[string]string, error) {
	list, err := f.cfg.Store.List(ctx, bucket, prefix)
	if err != nil {
		return nil, fmt.Errorf("listing s3://%s/%s: %w", bucket, prefix, err)
	}
	for _, o := range list {
		if _, err := f.download(ctx, dir, bucket, o.Key); err != nil {
			return nil, err
		}
	}
	masters, variants := map[string]string{}, map[string]string{}
	for _, key := range playlists {
		local, err := f.download(ctx, dir, bucket, key)
		if err != nil {
			return nil, err
		}
		file, err := os.Open(local)
		if err != nil {
			return nil, err
		}
		p, err := hls.Parse(file)
		file.Close()
		switch {
		case err != nil:
			masters[key] = local // a broken playlist: the check reports it
		case p.Master != nil:
			masters[key] = local
		default:
			variants[key] = local
		}
	}
	if len(masters) == 0 {
		return variants, nil
	}
	return masters, nil
}
