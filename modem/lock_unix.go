//go:build unix

package modem

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// lockPort takes an exclusive advisory lock on the device node, held on a
// descriptor of its own until the returned file is closed.
func lockPort(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_NOCTTY|unix.O_NONBLOCK, 0)
	if err != nil {
		switch {
		case errors.Is(err, unix.EBUSY):
			return nil, fmt.Errorf("open %s: %w", path, ErrPortBusy)
		case errors.Is(err, os.ErrNotExist):
			return nil, fmt.Errorf("open %s: no such port: %w", path, os.ErrNotExist)
		case errors.Is(err, os.ErrPermission):
			return nil, fmt.Errorf("open %s: permission denied (add your user to the dialout group): %w", path, os.ErrPermission)
		}
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("open %s: %w", path, ErrPortBusy)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return f, nil
}

// dropPTYExclusive clears TIOCEXCL (set by go.bug.st/serial) when the port
// is a pseudo-terminal. There the tty outlives its clients (the emulator
// holds the slave open), so a client killed with the flag set would leave
// every later open failing with EBUSY for a non-root user; the flock, which
// the kernel drops when a process dies, guards the port instead. A real
// ttyUSB is freed at its last close and keeps the flag.
func dropPTYExclusive(lock *os.File) {
	if lock == nil {
		return
	}
	rc, err := lock.SyscallConn()
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) {
		var st unix.Stat_t
		if unix.Fstat(int(fd), &st) != nil || !isPTYSlave(uint64(st.Rdev)) {
			return
		}
		unix.IoctlSetInt(int(fd), unix.TIOCNXCL, 0)
	})
}
