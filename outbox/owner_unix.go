//go:build unix

package outbox

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// procStat returns a process's state letter and start time as /proc shows
// them (fields 3 and 22 of /proc/PID/stat; the start in clock ticks since
// boot); ok is false where there is no such file.
func procStat(pid int) (state, start string, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", "", false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')') // the command name may hold spaces and parentheses
	if i < 0 {
		return "", "", false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return "", "", false
	}
	return f[0], f[19], true
}

// processStart returns a process's start time, or "" where there is no
// /proc (macOS): there the pid alone names the process.
func processStart(pid int) string {
	_, start, _ := procStat(pid)
	return start
}

// processAlive reports whether pid is a running process started at start.
// A zombie (killed, not yet reaped) is dead: it sends nothing any more.
func processAlive(pid int, start string) bool {
	if _, _, ok := procStat(os.Getpid()); ok {
		state, now, ok := procStat(pid)
		if !ok || state == "Z" || state == "X" {
			return false
		}
		return start == "" || now == start
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
