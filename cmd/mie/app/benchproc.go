package app

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"time"
)

// procStats are the serving process's resource figures that `mie bench`
// reports, read from /proc (Linux); zero where unavailable.
type procStats struct {
	RSSMiB, PeakRSSMiB float64
	CPU                time.Duration // user + system time since the process started
}

// clockTick is Linux's USER_HZ, the unit of /proc/self/stat's times; it is
// 100 on every architecture Go supports.
const clockTick = 10 * time.Millisecond

func readProcStats() procStats {
	var s procStats
	if f, err := os.Open("/proc/self/status"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			k, v, ok := strings.Cut(sc.Text(), ":")
			if !ok {
				continue
			}
			fields := strings.Fields(v)
			if len(fields) < 1 {
				continue
			}
			kb, err := strconv.ParseFloat(fields[0], 64)
			if err != nil {
				continue
			}
			switch k {
			case "VmRSS":
				s.RSSMiB = kb / 1024
			case "VmHWM":
				s.PeakRSSMiB = kb / 1024
			}
		}
		f.Close()
	}
	if b, err := os.ReadFile("/proc/self/stat"); err == nil {
		// Fields after the command name, which is in parentheses and may
		// hold spaces: state is field 3, utime 14 and stime 15.
		if i := strings.LastIndexByte(string(b), ')'); i >= 0 {
			f := strings.Fields(string(b[i+1:]))
			if len(f) > 12 {
				ut, err1 := strconv.ParseInt(f[11], 10, 64)
				st, err2 := strconv.ParseInt(f[12], 10, 64)
				if err1 == nil && err2 == nil {
					s.CPU = time.Duration(ut+st) * clockTick
				}
			}
		}
	}
	return s
}
