package transcode

import (
	"fmt"
	"strconv"
	"strings"
)

// parseTimecode reads an SMPTE timecode HH:MM:SS:FF (';' before the frames
// for drop-frame) as seconds at fps frames per second. Drop-frame
// timecodes are read as if non-drop: within a second (30000/1001 fps
// drifts 3.6 s an hour) of the true time.
func parseTimecode(s string, fps float64) (float64, error) {
	bad := fmt.Errorf("%q is not a timecode HH:MM:SS:FF", s)
	norm := strings.ReplaceAll(s, ";", ":")
	parts := strings.Split(norm, ":")
	if len(parts) != 4 {
		return 0, bad
	}
	var n [4]int
	for i, p := range parts {
		if len(p) != 2 {
			return 0, bad
		}
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return 0, bad
		}
		n[i] = v
	}
	if n[1] > 59 || n[2] > 59 || (fps > 0 && float64(n[3]) >= fps+0.5) {
		return 0, bad
	}
	secs := float64(n[0]*3600 + n[1]*60 + n[2])
	if fps > 0 {
		secs += float64(n[3]) / fps
	}
	return secs, nil
}
